validation-requested-subject = [#{ $number }] Se solicita su aprobación: { $title }
validation-requested-body =
    Hola { $name }:

    Su proveedor de servicios solicita una decisión sobre el ticket n.º { $number } «{ $title }»:

    { $question }

    { $deadline_line }Para aceptar: { $accept_url }
    Para rechazar: { $reject_url }

    Cada enlace muestra primero lo que se decidirá y le pide confirmación. Los enlaces solo funcionan para usted, una sola vez y hasta el { $link_expiry }.

    El ticket: { $ticket_url }
validation-requested-deadline = Decida antes del { $deadline }.
validation-decided-subject = [#{ $number }] Validación { $outcome }: { $title }
validation-decided-body =
    La validación del ticket n.º { $number } «{ $title }» fue { $outcome } por { $decider }.

    Pregunta: { $question }
    Comentario: { $comment }

    El ticket: { $ticket_url }
validation-accepted = aceptada
validation-rejected = rechazada
note-added-subject = [#{ $number }] Nueva respuesta a su ticket: { $title }
note-added-body =
    Hola { $name }:

    { $author } escribió en su ticket n.º { $number } «{ $title }»:

    { $note }

    El ticket: { $ticket_url }
change-requested-subject = Solicitud de cambio pendiente de su decisión: { $title }
change-requested-body =
    Hola { $name }:

    Su proveedor de servicios le pide aprobar o rechazar un cambio para { $company }:

    { $title }

    { $description }

    Motivo: { $reason }
    Riesgo: { $risk }
    Ventana prevista: { $window }
    Coste estimado: { $cost }

    Decida aquí: { $url }
change-risk-low = bajo
change-risk-medium = medio
change-risk-high = alto
activation-code-subject = Su código de activación del portal
activation-code-body =
    Hola { $name }:

    Alguien, probablemente usted, ha solicitado el acceso al portal para esta dirección desde el menú del agente de un equipo. Introduzca este código para confirmarlo: { $code }

    Es válido durante { $minutes } minutos. Si no ha sido usted, ignore este mensaje: sin el código no cambia nada.
sms-phone-code = Su código de clientdesk para verificar este teléfono: { $code } (válido { $minutes } min).
sms-step-up-code = Su código de clientdesk para confirmar una acción en su equipo: { $code } (válido { $minutes } min). No lo comparta nunca.
sms-temporary-password = Contraseña temporal para { $hostname }: { $password } - inicie sesión con ella y elija una contraseña nueva.
phone-changed-subject = Su número de teléfono para el portal ha cambiado
phone-changed-body =
    Hola { $name }:

    El número de teléfono que confirma sus acciones de autoservicio se cambió el { $at } por { $phone }. Durante las próximas 24 horas, los códigos por SMS no cuentan como segundo factor.

    Si no ha sido usted, inicie sesión, cambie su contraseña y avise enseguida a su proveedor de TI.
phone-removed-body =
    Hola { $name }:

    El número de teléfono que confirma sus acciones de autoservicio se eliminó el { $at }.

    Si no ha sido usted, inicie sesión, cambie su contraseña y avise enseguida a su proveedor de TI.
invitation-subject = { $inviter } le ha invitado al portal de { $company }
invitation-body =
    Hola { $name }:

    { $inviter } le ha invitado al portal de soporte de { $company }.

    Elija aquí su contraseña para activar su acceso: { $url }

    El enlace solo funciona una vez y hasta el { $expires }. Si ha caducado, pida a { $inviter } que le invite de nuevo. Si no esperaba esta invitación, ignore este mensaje.
password-reset-subject = Restablecimiento de su contraseña del portal
password-reset-body =
    Hola { $name }:

    Alguien, probablemente usted, ha solicitado restablecer la contraseña de su cuenta del portal. Elija aquí una contraseña nueva: { $url }

    El enlace solo funciona una vez y durante { $minutes } minutos. En su próximo inicio de sesión se le seguirá pidiendo el segundo factor.

    Si no ha sido usted, ignore este mensaje: su contraseña no cambia.
email-confirmation-subject = Confirme su nueva dirección de correo electrónico
email-confirmation-body =
    Hola { $name }:

    Confirme esta dirección para su cuenta del portal abriendo este enlace: { $url }

    El enlace solo funciona una vez y durante { $hours } horas. Si no lo ha solicitado, ignore este mensaje: sin la confirmación no cambia nada.
account-password-changed-subject = Se ha cambiado su contraseña del portal
account-password-changed-body =
    Hola { $name }:

    La contraseña de su cuenta del portal se cambió el { $at }.

    Si no ha sido usted, avise enseguida a su proveedor de TI: puede que otra persona tenga acceso a su cuenta.
account-two-factor-reset-subject = Se ha restablecido el segundo factor de su cuenta del portal
account-two-factor-reset-body =
    Hola { $name }:

    El segundo factor de su cuenta del portal se restableció el { $at }. En su próximo inicio de sesión deberá configurarlo de nuevo.

    Si no lo esperaba, avise enseguida a su proveedor de TI.
account-disabled-subject = Se ha desactivado su cuenta del portal
account-disabled-body =
    Hola { $name }:

    Su cuenta del portal se desactivó el { $at }: ya no puede iniciar sesión.

    Si no lo esperaba, póngase en contacto con su proveedor de TI.
account-enabled-subject = Se ha reactivado su cuenta del portal
account-enabled-body =
    Hola { $name }:

    Su cuenta del portal se reactivó el { $at }: puede volver a iniciar sesión.

    Si no lo esperaba, avise enseguida a su proveedor de TI.
account-email-changed-subject = Ha cambiado la dirección de inicio de sesión de su cuenta del portal
account-email-changed-body =
    Hola { $name }:

    La dirección con la que inicia sesión en el portal se cambió el { $at } por { $new_email }.

    Si no ha sido usted, avise enseguida a su proveedor de TI: puede que otra persona tenga acceso a su cuenta.
role-change-requested-subject = Solicitud de roles pendiente de su decisión: { $requester }
role-change-requested-body =
    Hola { $name }:

    { $requester } solicita otros roles en el portal de { $company }.

    Roles solicitados: { $roles }
    Motivo: { $reason }

    Decida aquí: { $url }
role-change-decided-subject = Su solicitud de roles en { $company } ha sido { $outcome }
role-change-decided-body =
    Hola { $name }:

    Su solicitud de roles en { $company } ha sido { $outcome } por { $decider }.

    Roles solicitados: { $roles }
    Comentario: { $comment }
role-change-granted = concedida
role-change-refused = rechazada
portal-ticket-subject = [#{ $number }] Nuevo ticket de { $company }: { $title }
portal-ticket-body =
    Hola { $name }:

    { $requester } ({ $company }) abrió el ticket n.º { $number } «{ $title }» en el portal:

    { $description }

    El ticket: { $ticket_url }
customer-note-subject = [#{ $number }] Respuesta del cliente: { $title }
customer-note-body =
    Hola { $name }:

    { $author } escribió en el ticket n.º { $number } «{ $title }»:

    { $note }

    El ticket: { $ticket_url }
customer-attachment-subject = [#{ $number }] Nuevo adjunto del cliente: { $title }
customer-attachment-body =
    Hola { $name }:

    { $author } adjuntó «{ $file_name }» al ticket n.º { $number } «{ $title }».

    El ticket: { $ticket_url }
ticket-reopened-subject = [#{ $number }] Reabierto por el cliente: { $title }
ticket-reopened-body =
    Hola { $name }:

    { $by } reabrió el ticket n.º { $number } «{ $title }».

    El ticket: { $ticket_url }
ticket-confirmed-subject = [#{ $number }] Hemos recibido su ticket: { $title }
ticket-confirmed-body =
    Hola { $name }:

    Gracias: hemos recibido su ticket n.º { $number } «{ $title }» y nos ocuparemos de él. Responda en el portal para añadir algo.

    El ticket: { $ticket_url }
ticket-updates-subject = [#{ $number }] { $count } novedades: { $title }
ticket-updates-intro = { $count } novedades del ticket n.º { $number } «{ $title }»:
change-decided-subject = Solicitud de cambio { $outcome }: { $title }
change-decided-body =
    Hola { $name }:

    La solicitud de cambio «{ $title }» para { $company } fue { $outcome } por { $decider }.

    Comentario: { $comment }

    La solicitud: { $url }
change-decided-approved = aprobada
change-decided-rejected = rechazada
ticket-resolved-subject = [#{ $number }] Su ticket ha sido { $outcome }: { $title }
ticket-resolved-body =
    Hola { $name }:

    Su ticket n.º { $number } «{ $title }» ha sido { $outcome }.

    { $due_line }Si algo sigue sin funcionar, responda en el portal.

    El ticket: { $ticket_url }
ticket-resolved-resolved = resuelto
ticket-resolved-closed = cerrado
ticket-resolved-due-line = Fecha de vencimiento: { $due }
webhook-disabled-subject = Se ha desactivado un webhook
webhook-disabled-body =
    Hola:

    El webhook a { $url } ({ $description }) se ha desactivado: todas las entregas desde el { $since } fallaron. Último error: { $error }

    No se envía ningún evento mientras esté desactivado; las entregas pendientes se reanudan al volver a activarlo.
entitlement-expiring-subject = { $company }: { $kind } «{ $product }» termina el { $expires_on }
entitlement-expiring-body =
    Hola { $name }:

    Para { $company }, { $kind } «{ $product }» termina el { $expires_on }.

    Equipo: { $asset }

    Pregunte a su proveedor si debe renovarse.
entitlement-warranty = la garantía
entitlement-licence = la licencia
