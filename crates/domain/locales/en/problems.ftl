# Problem documents (RFC 9457): a title per problem code, the details the API writes itself,
# and the details of field errors. `type`, `code` and pointers never change with the language.

problem-bad-request-title = Bad request
problem-unauthorized-title = Authentication required
problem-forbidden-title = Not allowed
problem-not-found-title = Not found
problem-method-not-allowed-title = Method not allowed
problem-conflict-title = Conflict
problem-precondition-failed-title = Precondition failed
problem-payload-too-large-title = Payload too large
problem-unsupported-media-type-title = Unsupported media type
problem-validation-title = Invalid input
problem-too-many-requests-title = Too many requests
problem-unavailable-title = Service unavailable
problem-header-fields-too-large-title = Request header fields too large
problem-request-timeout-title = Request timeout
problem-too-many-connections-title = Too many connections
problem-internal-title = Internal error
problem-vault-unavailable-title = Vault unavailable

problem-not-found-detail = The resource does not exist or is not visible to you.
problem-method-not-allowed-detail = This resource does not answer that method; see the Allow header.
problem-precondition-failed-detail = The resource changed since you read it (If-Match does not match).
problem-validation-detail = One or more fields are invalid.
problem-too-many-requests-detail = Too many failed attempts. Try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
problem-unavailable-detail = The service is temporarily unavailable. Try again shortly.
problem-header-fields-too-large-detail = The request line and headers may take { $limit } bytes at most.
problem-request-timeout-detail = The whole request must arrive within { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
problem-too-many-connections-detail = One client address may hold { $limit } connections at once; reuse or close the others.
problem-internal-detail = Something went wrong on our side. It has been logged.
problem-conflict-detail = The change conflicts with the current state of the resource.
problem-json-too-large-detail = The JSON body is larger than the limit of { $limit } bytes.
problem-body-too-large-detail = The body is larger than the limit of { $limit } bytes.
problem-json-media-type-detail = Send the body as application/json.
problem-json-syntax-detail = The body is not valid JSON: { $reason }

unauthorized-missing-token = Send an access token as Authorization: Bearer <token>.
unauthorized-invalid-token = The access token is invalid or expired.
unauthorized-revoked-token = The token is no longer valid. Sign in again.
unauthorized-account-disabled = This account is disabled.
unauthorized-wrong-credentials = The e-mail address or the password is wrong.
unauthorized-wrong-code = The code is wrong or was used already.
unauthorized-refresh-token = The refresh token is invalid. Sign in again.
unauthorized-mfa-token = The MFA token is invalid or expired. Sign in again.
forbidden-read-only-token = This API token is read-only.
forbidden-agent-session = This session was opened from your computer's agent menu: it opens and follows your tickets. Sign in with your password to do more.
forbidden-portal-disabled = The portal is disabled for every company you belong to.

field-required = is required
field-not-an-object = must be a JSON object
field-unknown = unknown field `{ $field }`, expected { $expected }
field-unknown-none = unknown field `{ $field }`, there are no fields
field-invalid-type = invalid type: { $found }, expected { $expected }
field-length-between = must be between { $min } and { $max } characters or items long
field-length-max = must be at most { $max } characters or items long
field-length-min = must be at least { $min } characters or items long
field-range-between = must be between { $min } and { $max }
field-range-max = must be at most { $max }
field-range-min = must be at least { $min }
field-format = does not have the required form
field-invalid-value = is not an accepted value
