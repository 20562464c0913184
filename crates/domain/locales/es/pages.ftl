# La página de decisión que un aprobador abre desde un enlace de validación recibido por correo.
# Los argumentos llegan escapados para HTML; los mensajes pueden contener el marcado de la página.

decision-page-title-accept = Aceptar la validación del ticket n.º { $number }
decision-page-title-reject = Rechazar la validación del ticket n.º { $number }
decision-page-intro-accept = { $approver }, está a punto de <strong>aceptar</strong> la solicitud del ticket n.º { $number } «{ $title }»:
decision-page-intro-reject = { $approver }, está a punto de <strong>rechazar</strong> la solicitud del ticket n.º { $number } «{ $title }»:
decision-page-deadline = Decida antes del { $deadline }.
decision-page-comment-required = ¿Por qué la rechaza? (obligatorio)
decision-page-comment-optional = Comentario (opcional)
decision-page-confirm-accept = Confirmar: aceptar
decision-page-confirm-reject = Confirmar: rechazar
decision-page-thanks = Gracias
decision-page-outcome = Ha { $decision ->
        [accept] aceptado
       *[reject] rechazado
    } la solicitud. Ahora está <strong>{ $status ->
        [pending] pendiente
        [accepted] aceptada
        [rejected] rechazada
        [expired] caducada
       *[cancelled] cancelada
    }</strong>.
decision-page-close = Puede cerrar esta página.
decision-page-nothing-decided = No se ha decidido nada.
