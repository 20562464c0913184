# Documentos de problema (RFC 9457): un título por código de problema, los detalles que escribe la
# API y los detalles de los errores de campo. `type`, `code` y los punteros nunca cambian con el idioma.

problem-bad-request-title = Solicitud incorrecta
problem-unauthorized-title = Autenticación requerida
problem-forbidden-title = No permitido
problem-not-found-title = No encontrado
problem-method-not-allowed-title = Método no permitido
problem-conflict-title = Conflicto
problem-precondition-failed-title = Condición previa no cumplida
problem-payload-too-large-title = Contenido demasiado grande
problem-unsupported-media-type-title = Tipo de medio no admitido
problem-validation-title = Datos no válidos
problem-too-many-requests-title = Demasiadas solicitudes
problem-unavailable-title = Servicio no disponible
problem-header-fields-too-large-title = Cabeceras de la solicitud demasiado grandes
problem-request-timeout-title = Tiempo de espera de la solicitud agotado
problem-too-many-connections-title = Demasiadas conexiones
problem-internal-title = Error interno
problem-vault-unavailable-title = Caja fuerte no disponible

problem-not-found-detail = El recurso no existe o no es visible para usted.
problem-method-not-allowed-detail = Este recurso no responde a ese método; consulte la cabecera Allow.
problem-precondition-failed-detail = El recurso cambió desde que lo leyó (If-Match no coincide).
problem-validation-detail = Uno o varios campos no son válidos.
problem-too-many-requests-detail = Demasiados intentos fallidos. Vuelva a intentarlo dentro de { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }.
problem-unavailable-detail = El servicio no está disponible temporalmente. Vuelva a intentarlo en breve.
problem-header-fields-too-large-detail = La línea de solicitud y las cabeceras pueden ocupar como máximo { $limit } bytes.
problem-request-timeout-detail = La solicitud completa debe llegar en { $seconds ->
        [one] { $seconds } segundo
       *[other] { $seconds } segundos
    }.
problem-too-many-connections-detail = Una dirección de cliente puede mantener como máximo { $limit } conexiones a la vez; reutilice o cierre las demás.
problem-internal-detail = Algo ha fallado por nuestra parte. Ha quedado registrado.
problem-conflict-detail = El cambio entra en conflicto con el estado actual del recurso.
problem-json-too-large-detail = El cuerpo JSON supera el límite de { $limit } bytes.
problem-body-too-large-detail = El cuerpo supera el límite de { $limit } bytes.
problem-body-unreadable-detail = No se pudo leer el cuerpo: { $reason }
problem-pdf-too-large-detail = Un PDF puede ocupar como máximo { $limit } bytes.
problem-json-media-type-detail = Envíe el cuerpo como application/json.
problem-json-syntax-detail = El cuerpo no es JSON válido: { $reason }
problem-pdf-media-type-detail = Envíe el PDF como cuerpo, con Content-Type: application/pdf.
problem-confirmation-media-type-detail = Envíe la confirmación como application/json o application/x-www-form-urlencoded.
detail-about = { $subject }: { $detail }
detail-row = fila { $id }
detail-device = dispositivo { $guid }

unauthorized-missing-token = Envíe un token de acceso como Authorization: Bearer <token>.
unauthorized-invalid-token = El token de acceso no es válido o ha caducado.
unauthorized-revoked-token = El token ya no es válido. Vuelva a iniciar sesión.
unauthorized-account-disabled = Esta cuenta está desactivada.
unauthorized-wrong-credentials = La dirección de correo electrónico o la contraseña son incorrectas.
unauthorized-wrong-code = El código es incorrecto o ya se ha utilizado.
unauthorized-refresh-token = El token de renovación no es válido. Vuelva a iniciar sesión.
unauthorized-mfa-token = El token MFA no es válido o ha caducado. Vuelva a iniciar sesión.
unauthorized-sign-in-expired = El inicio de sesión ha caducado. Vuelva a iniciar sesión.
unauthorized-set-password-token = El token para establecer la contraseña no es válido, ya se ha usado o ha caducado.
unauthorized-confirmation-link = El enlace de confirmación no es válido, ya se ha usado o ha caducado.
unauthorized-agent-link = El enlace del agente no es válido.
unauthorized-agent-code = El código no es válido, ha caducado o ya se ha usado.
unauthorized-agent-session = La sesión del agente ya no es válida. Vuelva a abrir el enlace.
unauthorized-registration-token = El token de registro no es válido o ha caducado. Vuelva a abrir el enlace.
unauthorized-rmm-sync-credential = Envíe la credencial de sincronización de la integración como Authorization: Bearer cdr_...
unauthorized-psa-sync-credential = Envíe la credencial de sincronización de la integración PSA como Authorization: Bearer cdp_...
unauthorized-metrics-token = Envíe el token de métricas como token Bearer.
unauthorized-callback-signature = La devolución de llamada no está firmada por la integración.
forbidden-read-only-token = Este token de API es de solo lectura.
forbidden-agent-session = Esta sesión se abrió desde el menú del agente de su equipo: permite abrir y seguir sus tickets. Inicie sesión con su contraseña para hacer más.
forbidden-portal-disabled = El portal está desactivado para todas las empresas a las que pertenece.

field-required = es obligatorio
field-not-an-object = debe ser un objeto JSON
field-unknown = campo desconocido `{ $field }`, se esperaba: { $expected }
field-unknown-none = campo desconocido `{ $field }`, no se espera ningún campo
field-invalid-type = tipo no válido: { $found }, se esperaba: { $expected }
field-length-between = debe tener entre { $min } y { $max } caracteres o elementos
field-length-max = debe tener como máximo { $max } caracteres o elementos
field-length-min = debe tener al menos { $min } caracteres o elementos
field-range-between = debe estar entre { $min } y { $max }
field-range-max = debe ser como máximo { $max }
field-range-min = debe ser como mínimo { $min }
field-format = no tiene la forma requerida
field-invalid-value = no es un valor aceptado

# Los rechazos de serde, con los nombres y valores que da como argumentos; el mensaje de un analizador
# de forma desconocida es el argumento de `field-unreadable`.
field-missing = falta el campo `{ $field }`
field-duplicate = campo duplicado `{ $field }`
field-unknown-variant = variante desconocida `{ $value }`, se esperaba: { $expected }
field-unknown-variant-none = variante desconocida `{ $value }`, no hay variantes
field-invalid-value-expected = valor no válido: { $found }, se esperaba: { $expected }
field-invalid-length = longitud no válida { $found }, se esperaba: { $expected }
field-null-keeps-value = tipo no válido: null; omita el campo para conservar su valor
field-unreadable = valor ilegible: { $reason }

## Reglas del dominio: el detalle de un error de campo (422) cuando una entrada incumple una regla.

# Comunes a muchas entradas.
rule-not-empty = no debe estar vacío
rule-max-chars = debe tener como máximo { $max } caracteres
rule-min-chars = debe tener al menos { $min } caracteres
rule-chars-between = debe tener de { $min } a { $max } caracteres
rule-no-control-chars = no debe contener caracteres de control
rule-no-control-chars-but-breaks = no debe contener caracteres de control salvo saltos de línea y tabulaciones
rule-one-line = debe ser una sola línea sin caracteres de control
rule-no-nul = no debe contener el carácter NUL
rule-not-negative = no debe ser negativo
rule-from-to = debe estar entre { $min } y { $max }
rule-not-before = no debe ser anterior a { $other }
rule-one-of = debe ser uno de los siguientes valores: { $values }
rule-either = debe ser { $first } o { $second }
rule-date = debe ser una fecha con el formato AAAA-MM-DD
rule-year-range = debe estar entre los años 1970 y 9999
rule-tags-at-most = como máximo { $max } etiquetas
rule-plain-text = debe tener de 1 a { $max } caracteres, sin caracteres de control
rule-out-of-range = está fuera del rango permitido
rule-after = debe ser posterior a { $other }
rule-together = { $first } y { $second } van juntos
rule-date-yyyy-mm-dd = debe ser una fecha AAAA-MM-DD
rule-month-yyyy-mm = debe ser un mes AAAA-MM
rule-time-of-day = debe ser una hora HH:MM de 00:00 a 24:00
rule-status-unknown = estado desconocido
rule-status-unknown-named = estado desconocido { $status }
rule-given-by-path = aquí lo indica la ruta
rule-company-in-path = la empresa es la de la ruta
rule-company-unknown = no es una empresa de este inquilino
rule-company-id-unknown = { $id } no es una empresa de este inquilino
rule-company-named-unknown = la empresa { $id } no es una empresa de este inquilino
rule-user-unknown = no es un usuario de este inquilino
rule-code-not-sent = no es el código que enviamos

# Parámetros de consulta y cabeceras.
rule-cursor = no es un cursor proporcionado por esta API
rule-cursor-sort = no es un cursor proporcionado por esta API para esta ordenación
rule-search-prefix = un prefijo ({ $prefix }*) necesita al menos { $min } letras o dígitos
rule-search-word = debe contener una palabra o un número
rule-idempotency-key = debe tener de 1 a 255 caracteres ASCII visibles
rule-idempotency-key-reused = ya se usó con otra solicitud; use una clave nueva

# Accesos, direcciones y contraseñas.
rule-email = debe ser una dirección de correo electrónico como nombre@example.com
rule-email-other-company-domain = esta dirección pertenece al dominio de correo de otra empresa
rule-email-not-company-domain = debe ser una dirección de uno de los dominios de correo de la empresa
rule-memberships-no-domain = indique una empresa: la dirección no pertenece al dominio de correo registrado de ninguna empresa
rule-domain = debe ser un nombre de dominio como contoso.example
rule-phone = debe ser un número de teléfono como +41 44 123 45 67
rule-password-common = es una de las contraseñas filtradas más comunes; elija otra
rule-password-is-email = no debe ser su dirección de correo electrónico
rule-role-unknown = rol desconocido { $role }; los roles son portal_user, portal_user_plus, customer_approver, change_manager, controller, portal_admin, vault_reader, vault_editor
rule-roles-empty = se requiere al menos un rol
rule-portal-admin-provider-only = en este inquilino solo el proveedor concede el rol portal_admin
rule-portal-admin-not-by-customer = en este inquilino un cliente no puede conceder el rol portal_admin
rule-totp-enrolment-code = no coincide con el nuevo secreto; compruebe el reloj de la aplicación y pruebe el siguiente código
rule-code-or-recovery-code = envíe o bien code o bien recovery_code
rule-code-or-sms-code = indique exactamente uno de code y sms_code
rule-phone-by-endpoint = cambie o elimine su teléfono con PUT o DELETE /api/v1/me/phone (allí se le pide su segundo factor)
rule-roles-unchanged = ya son sus roles
rule-reason-required = debe indicar el motivo
rule-notice-kind = no es un tipo de correo electrónico dirigido a usted
rule-company-member = debe ser miembro de la empresa
rule-company-cycle = haría de la empresa su propia antecesora
rule-company-depth = la cadena de empresas matrices es demasiado profunda

# Ajustes, calendarios y SMS.
rule-time-zone = debe ser una zona horaria IANA como Europe/Zurich
rule-request-types-at-most = como máximo { $max } tipos de solicitud
rule-hours-interval = cada intervalo empieza antes de terminar, dentro del día
rule-hours-overlap = los intervalos de un mismo día no pueden solaparse
rule-hours-empty-week = un calendario está abierto al menos una hora por semana
rule-sla-targets = los objetivos van de 1 a { $max } minutos
rule-sla-pause-closed = resuelto y cerrado detienen el reloj; no pueden pausarlo
rule-calling-codes-at-most = contiene como máximo { $max } prefijos
rule-calling-code = { $value } no es un prefijo como +41
rule-sms-country = no se pueden enviar SMS a este país: indique el número con un prefijo que su proveedor permita
rule-holidays-at-most = como máximo { $max } festivos
rule-intervals-at-most = como máximo { $max } intervalos al día
rule-calendar-unknown = no existe ese calendario
rule-plan-unknown = no existe ese plan
rule-field-key = debe tener de 1 a 40 letras minúsculas, dígitos o _, empezando por una letra
rule-select-options = un campo de selección necesita de 1 a 100 opciones
rule-options-select-only = solo los campos de selección tienen opciones
rule-options-plain-text = cada opción debe tener de 1 a { $max } caracteres, sin caracteres de control

# Tickets.
rule-requester-required-for-staff = es obligatorio para el personal
rule-queue-inactive = no es una cola activa
rule-request-type-not-allowed = no es un tipo de solicitud que esta empresa pueda usar
rule-not-company-user = debe ser un usuario del portal de la empresa del ticket
rule-assignee-not-staff = no es un usuario del personal de este inquilino
rule-assignee-not-active-staff = no es un usuario activo del personal de este inquilino
rule-input-not-allowed = sus roles no le permiten establecerlo
rule-input-not-editable = no es editable por los clientes
rule-input-staff-only = solo lo establece el proveedor de servicios
rule-internal-note-staff-only = solo el personal añade notas internas
rule-custom-values-at-most = como máximo { $max } valores
rule-custom-field-unknown = { $key }: no existe ese campo
rule-custom-field-required = { $key }: es obligatorio
rule-custom-field-expected-value = { $key }: se esperaba un valor (el campo es obligatorio)
rule-custom-field-expected-text = { $key }: se esperaba un texto de como máximo { $max } caracteres
rule-custom-field-expected-number = { $key }: se esperaba un número
rule-custom-field-expected-boolean = { $key }: se esperaba true o false
rule-custom-field-expected-date = { $key }: se esperaba una fecha con el formato AAAA-MM-DD
rule-custom-field-expected-option = { $key }: se esperaba uno de estos valores: { $options }
rule-field-visibility-staff = { $field } solo lo establece el personal: read_only o hidden
rule-field-hidden-filter = { $field } no se muestra a los clientes, así que los tickets no se pueden filtrar ni ordenar por él
rule-comment-required-to-reject = es obligatorio al rechazar: explique por qué
rule-ticket-sort = debe ser created, updated o priority, opcionalmente precedido de -
rule-staff-filters = assignee_id, queue_id y company_id solo filtran las listas del personal
rule-planned-start = debe estar entre hoy y dentro de diez años
rule-iso-currency = debe ser un código ISO 4217 como EUR o USD
rule-deadline = debe estar en el futuro, como máximo dentro de un año

# Archivos adjuntos.
rule-content-type = el tipo de contenido { $type } no se acepta; envíe uno de estos: { $accepted }
rule-content-mismatch = el contenido no corresponde al tipo { $type }
rule-content-binary = el contenido no corresponde al tipo { $type } (datos binarios)

# Base de conocimientos.
rule-kb-audience-companies = debe indicar de 1 a 100 empresas
rule-kb-audience-kind = debe ser all_companies, companies, territory, classification o internal
rule-kb-tag = cada etiqueta tiene de 1 a { $max } letras, cifras o - _ . + # (recibido: { $value })
rule-kb-category-cycle = haría de la categoría su propio antecesor
rule-kb-category-depth = las categorías se anidan como máximo { $max } niveles
rule-kb-category-unknown = no es una categoría de este inquilino
rule-kb-search-no-word = debe contener al menos una palabra que buscar

# Dispositivos, inventario, garantías y licencias.
rule-addresses-at-most = debe contener como máximo { $max } direcciones
rule-disks-at-most = debe contener como máximo { $max } discos
rule-disk-sizes = los tamaños deben ser positivos, con free_bytes como máximo igual a size_bytes
rule-warranty-device = una garantía cubre un dispositivo: indíquelo
rule-seats-licence-only = solo una licencia tiene puestos
rule-devices-count = debe contener de 1 a { $max } dispositivos
rule-entries-at-most = debe contener como máximo { $max } entradas
rule-device-own = es el del dispositivo: omítalo
rule-device-user = el usuario del dispositivo debe ser un usuario del portal de la empresa del dispositivo
rule-device-portal-user = debe ser un usuario del portal de la empresa del dispositivo
rule-device-not-of-company = no es un dispositivo de esta empresa
rule-entry-stays-with-company = una entrada permanece en su empresa

# Autoservicio.
rule-software-not-in-catalogue = no está en el catálogo
rule-software-linux = no se puede instalar software en equipos Linux
rule-software-required = es obligatorio para instalar software
rule-software-install-only = solo se usa con install_software
rule-software-not-offered = no se ofrece en este equipo
rule-package-id = debe ser un identificador de paquete (letras, dígitos, . - _ @ / +)
rule-homebrew-formula-or-cask = indique una fórmula de Homebrew o un cask, no ambos
rule-package-required = indique un identificador de Chocolatey, una fórmula de Homebrew o un cask

# Caja fuerte.
rule-vault-url = debe ser una dirección con esquema (https://...)
rule-vault-tag = una etiqueta es una sola palabra de 1 a 40 caracteres
rule-vault-secret-empty = no debe estar vacío (omítalo para conservar el actual)
rule-vault-totp-seed = debe ser una semilla TOTP en base32 de 16 a 103 caracteres
rule-title-search = debe tener como máximo 200 caracteres, en una línea

# Contratos, proyectos y facturas.
rule-hours = debe estar entre 0 y 100 000 horas, con dos decimales como máximo
rule-month = debe ser un mes con el formato AAAA-MM
rule-note-body = debe tener de 1 a 10 000 caracteres
rule-currency = debe ser un código ISO 4217 de tres letras mayúsculas, como CHF
rule-minor-units = debe estar entre 0 y { $max } unidades menores
rule-invoice-total = debe ser net_minor + tax_minor
rule-invoice-paid = no debe superar total_minor
rule-payment-url = debe ser una URL https:// con un host, de 2000 caracteres como máximo
rule-quantity = debe ser un número de 0 a 1 000 000 000 con tres decimales como máximo
rule-contract-hours = un bloque de horas tiene horas, no una moneda ni importes
rule-contract-retainer = una iguala tiene una moneda e importes, no horas
rule-contract-other-company = es un contrato de otra empresa
rule-contract-unknown = no es un contrato de este inquilino
rule-contract-by-psa-id = indique el contrato con contract_psa_id
rule-lines-at-most = como máximo { $max } líneas
rule-phases-at-most = como máximo { $phases } fases de { $tasks } tareas
rule-team-at-most = como máximo { $max } miembros
rule-currency-with-charges = es obligatorio si hay cargos
rule-team-no-email = ningún miembro del equipo tiene dirección de correo electrónico
rule-rows-count = debe contener de 1 a { $max } filas
rule-sync-batch-size = envíe de 1 a { $max } filas, sumando upserts y borrados
rule-sync-named-twice = nombrada más de una vez en este lote

# Webhooks.
rule-event-types-empty = debe indicar al menos un tipo de evento
rule-event-types-at-most = debe enumerar como máximo { $max } tipos
rule-url-unparsable = no es una URL: { $reason }
rule-url-https = debe ser una URL https://
rule-url-credentials = no debe llevar nombre de usuario ni contraseña
rule-url-host = debe indicar un host
rule-url-private = se resuelve en una dirección privada, de bucle invertido o de enlace local; el inquilino no las permite (allow_private_targets)
rule-url-https-or-private = debe ser una URL https:// (http:// solo para una dirección privada permitida)
rule-url-unresolved = indica un host que no se resuelve ({ $host })

## Denegaciones (403) de las políticas del dominio.
denied-staff-only = solo el personal del proveedor puede hacer esto
denied-provider-admin-only = solo un administrador del proveedor puede hacer esto
denied-read-only-token = este token de API es de solo lectura
denied-agent-session = esta sesión se abrió desde el menú del agente de su equipo; inicie sesión con su contraseña para hacer esto
denied-token-manages-tokens = un token de API no puede gestionar tokens de API
denied-second-factor-first = inicie sesión primero con su contraseña y un código de autenticación
denied-roles = sus roles en esta empresa no lo permiten
denied-roles-system-info = sus roles en esta empresa no incluyen la información del sistema
denied-roles-kb = sus roles en esta empresa no incluyen la base de conocimientos
denied-roles-projects = sus roles en esta empresa no incluyen los proyectos
denied-roles-invoices = sus roles en esta empresa no incluyen las facturas
denied-roles-tickets = Sus roles en esta empresa no incluyen los tickets.
denied-roles-open-tickets = Sus roles en esta empresa no permiten abrir tickets.
denied-ticket-read-only = Sus roles le permiten leer este ticket, no modificarlo.
denied-ticketing-off = Los tickets están desactivados para esta empresa.
denied-reopen = El proveedor no permite reabrir tickets.
denied-kb-off = la base de conocimientos está desactivada para esta empresa
denied-self-service-off = Las acciones de autoservicio están desactivadas para su empresa.
denied-token-phones = Un token de API no puede gestionar teléfonos ni demostrar un segundo factor.
denied-no-session = Este token de acceso no corresponde a ninguna sesión: inicie sesión de nuevo.
denied-vault-read = leer la caja fuerte requiere el rol vault_reader o vault_editor
denied-vault-write = modificar la caja fuerte requiere el rol vault_editor
denied-vault-reveals = solo el administrador del portal de la empresa consulta el registro de revelaciones de la caja fuerte
denied-vault-reveal-factor = revelar un secreto requiere un segundo factor: configure primero una aplicación de autenticación o un teléfono verificado
denied-vault-document-own-company = un editor de la bóveda escribe documentos solo para su propia empresa (audiencia: companies, que nombre solo esa empresa); las audiencias más amplias son del proveedor
denied-vault-document-not-own = este documento no es de su empresa: solo el proveedor lo cambia
denied-step-up-use-app = tiene una aplicación de autenticación: demuestre su segundo factor con su código
denied-step-up-phone-changed = los códigos por SMS vuelven a valer 24 horas después de un cambio de teléfono
denied-step-up-no-app = no hay ninguna aplicación de autenticación configurada
denied-step-up-no-phone = registre y verifique primero un teléfono
denied-step-up-app-first = demuestre primero su código de autenticación (POST /api/v1/me/step-up); vale durante 5 minutos
denied-step-up-sms-first = demuestre primero un código enviado a su teléfono actual (POST /api/v1/me/step-up); vale durante 5 minutos
denied-step-up-first = demuestre primero un segundo factor (POST /api/v1/me/step-up); vale durante 5 minutos
denied-logins-portal-admin = gestionar los accesos de esta empresa requiere el rol de administrador del portal
denied-own-login = no puede modificar su propio acceso ni sus propios roles
denied-role-change-decider = los cambios de rol los decide un aprobador del cliente o un administrador del portal
denied-own-role-change = no puede decidir sobre su propio cambio de rol

## Denegaciones (403) que escribe la propia API.
forbidden-wrong-code = El código es incorrecto, ha caducado o ya se ha usado.
forbidden-withdraw-not-requester = Solo el solicitante puede retirar una solicitud.
forbidden-requester-validates = El solicitante de un ticket no puede validarlo.
forbidden-not-approver = Ya no es aprobador de esta empresa.
forbidden-token-password = Un token de API no puede cambiar la contraseña.
forbidden-wrong-password = La contraseña actual es incorrecta.
forbidden-token-second-factor = Un token de API no puede cambiar el segundo factor.
forbidden-send-current-code = Envíe un código actual de su aplicación de autenticación.
forbidden-two-factor-required = Su empresa exige el inicio de sesión con dos factores.
forbidden-sign-in-log = El registro de inicios de sesión es para los administradores del portal de la empresa.
forbidden-staff-directory = El proveedor no muestra la lista de su personal a los clientes.
forbidden-roles-changes = Sus roles en esta empresa no incluyen aprobar cambios.
forbidden-staff-role-request = El personal no tiene roles en una empresa: un administrador del proveedor asigna los roles directamente.
forbidden-role-request-decider = Los cambios de rol los deciden los aprobadores del cliente y los administradores del portal de la empresa.
forbidden-staff-validates = Las validaciones las deciden los aprobadores del cliente, no el personal.
forbidden-roles-validations = Sus roles en esta empresa no incluyen validar tickets.

## Conflictos (409) con el estado actual.
conflict-idempotency-in-progress = Una solicitud con esta Idempotency-Key aún se está procesando.
conflict-company-name = Ya existe una empresa con ese nombre.
conflict-company-domain = Una empresa de este inquilino ya tiene este dominio.
conflict-domain-registered = El dominio { $domain } está registrado en { $company } (empresa { $company_id }).
conflict-entry-synced = Esta entrada se sincroniza desde el RMM con su dispositivo: modifíquela allí.
conflict-enrolment-not-started = Inicie primero la configuración.
conflict-no-second-factor = No hay ningún segundo factor configurado.
conflict-email-taken = Otro usuario de este inquilino tiene esa dirección de correo electrónico.
conflict-user-exists = Ya existe un usuario con esta dirección de correo electrónico.
conflict-user-email-exists = Existe un usuario con esa dirección de correo electrónico.
conflict-user-disabled = El usuario está desactivado: actívelo primero.
conflict-last-portal-admin = la empresa se quedaría sin administrador del portal
conflict-psa-id-record = Otro registro tiene este psa_id.
conflict-psa-id-project = Otro proyecto tiene este psa_id.
conflict-psa-id-invoice = Otra factura tiene este psa_id.
conflict-name-taken = Ese nombre ya está en uso.
conflict-name-or-key-taken = Ese nombre o esa clave ya están en uso.
conflict-calendar-in-use = No se puede eliminar: el calendario lo usa un plan de SLA.
conflict-plan-in-use = No se puede eliminar: el plan de SLA está asignado a una empresa.
conflict-category-name = Ya existe una categoría con ese nombre en ese lugar.
conflict-category-not-empty = La categoría contiene { $children } subcategorías y { $articles } artículos; muévalos o elimínelos primero.
conflict-step-up-no-app = No hay ninguna aplicación de autenticación configurada.
conflict-step-up-no-phone = Registre y verifique primero un teléfono.
conflict-phone-first = Registre y verifique primero un teléfono (PUT /api/v1/me/phone).
conflict-no-valid-code = No hay ningún código válido: solicite uno nuevo.
conflict-no-valid-code-register = No hay ningún código válido: regístrese de nuevo para recibir otro.
conflict-api-tokens-limit = Tiene { $max } tokens de API activos, el máximo permitido; revoque uno primero.
conflict-device-has-user = Este equipo ya tiene un usuario del portal.
conflict-registration-done = Este registro ya se completó.
conflict-sign-in-to-continue = Inicie sesión con su contraseña y su código para continuar.
conflict-agent-user-exists = Ya existe un usuario del portal con esta dirección de correo electrónico. Pida a su proveedor que vincule este equipo a él.
conflict-agent-code-other-contact = Se envió un código a otro contacto para este equipo; confírmelo o espere a que caduque.
conflict-role-request-settled = La solicitud ya se decidió o se retiró.
conflict-role-request-pending = Tiene un cambio de rol pendiente en esta empresa: retírelo para solicitar otros roles.
conflict-requester-left = El solicitante ya no es miembro de la empresa.
conflict-ticket-billed = Este ticket ya se ha facturado y ya no se puede modificar.
conflict-ticket-not-closed = El ticket no está cerrado.
conflict-ticket-busy = Otras personas están modificando el ticket en este momento; inténtelo de nuevo.
conflict-validation-settled = Esta validación ya se ha resuelto o cancelado.
conflict-validation-decided = Ya ha decidido sobre esta validación.
conflict-validation-expired = El plazo de esta validación ha vencido; caducó sin decisión.
conflict-validation-pending = El ticket ya está a la espera de una validación; cancélela primero.
conflict-validation-not-pending = Solo se puede cancelar una validación pendiente.
conflict-validation-ticket-closed = El ticket está cerrado; reábralo antes de pedir una validación.
conflict-validation-no-approver = La empresa del ticket no tiene ningún aprobador (customer_approver o change_manager) aparte del solicitante.
conflict-validation-status = Esta validación ya está { $status }.
conflict-link-used = Este enlace ya se ha usado.
conflict-link-expired = Este enlace ha caducado.
conflict-change-settled = Esta solicitud de cambio ya se ha decidido o cancelado.
conflict-action-status = La acción ya está { $status }.
conflict-self-service-not-connected = El autoservicio aún no está conectado al RMM.
conflict-reset-password-phone = Restablecer la contraseña requiere el teléfono verificado del usuario.
conflict-delivery-pending = Esta entrega sigue pendiente: ya se está entregando.
conflict-outbox-not-dead = Solo se puede reintentar un mensaje en estado dead; este está en estado { $status }.
conflict-outbox-secret-wiped = Este mensaje contenía un secreto que se borró al pasar al estado dead, así que no puede volver a enviarse; inicie de nuevo lo que lo envió.

## Subidas (adjuntos de tickets y artículos) y la caja fuerte.
problem-uploads-busy-detail = Hay demasiadas subidas en curso. Inténtelo de nuevo en un momento.
problem-vault-unavailable-detail = La caja fuerte de documentación está desactivada: este servidor se inició sin clave maestra (CLIENTDESK_MASTER_KEY). Todo lo demás funciona.
upload-media-type = Envíe los archivos como multipart/form-data.
upload-unreadable = No se puede leer el cuerpo multipart: { $reason }
upload-too-many-files = como máximo { $max } archivos por subida
upload-file-empty = { $file } está vacío
upload-file-too-large = { $file } supera el límite de { $limit } bytes por archivo.
upload-ticket-limit = Los adjuntos del ticket superarían su límite total.
upload-article-limit = Los adjuntos del artículo superarían su límite total.
upload-note-id = debe ser el identificador de una nota
upload-note-not-of-ticket = no es una nota de este ticket
upload-unknown-part = parte desconocida; envíe partes `file` y un `note_id` opcional
upload-no-file = envíe al menos una parte `file`, del tipo { $accepted }
upload-no-note = estos adjuntos no pertenecen a ninguna nota
upload-project-limit = Los adjuntos del proyecto superarían su límite total.
upload-document-limit = Los adjuntos del documento superarían su límite total.
