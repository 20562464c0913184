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
problem-json-media-type-detail = Envíe el cuerpo como application/json.
problem-json-syntax-detail = El cuerpo no es JSON válido: { $reason }

unauthorized-missing-token = Envíe un token de acceso como Authorization: Bearer <token>.
unauthorized-invalid-token = El token de acceso no es válido o ha caducado.
unauthorized-revoked-token = El token ya no es válido. Vuelva a iniciar sesión.
unauthorized-account-disabled = Esta cuenta está desactivada.
unauthorized-wrong-credentials = La dirección de correo electrónico o la contraseña son incorrectas.
unauthorized-wrong-code = El código es incorrecto o ya se ha utilizado.
unauthorized-refresh-token = El token de renovación no es válido. Vuelva a iniciar sesión.
unauthorized-mfa-token = El token MFA no es válido o ha caducado. Vuelva a iniciar sesión.
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
