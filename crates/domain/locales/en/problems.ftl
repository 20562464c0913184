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
problem-body-unreadable-detail = The body could not be read: { $reason }
problem-pdf-too-large-detail = A PDF may take { $limit } bytes at most.
problem-json-media-type-detail = Send the body as application/json.
problem-json-syntax-detail = The body is not valid JSON: { $reason }
problem-pdf-media-type-detail = Send the PDF as the body, with Content-Type: application/pdf.
problem-confirmation-media-type-detail = Send the confirmation as application/json or application/x-www-form-urlencoded.
detail-about = { $subject }: { $detail }
detail-row = row { $id }
detail-device = device { $guid }

unauthorized-missing-token = Send an access token as Authorization: Bearer <token>.
unauthorized-invalid-token = The access token is invalid or expired.
unauthorized-revoked-token = The token is no longer valid. Sign in again.
unauthorized-account-disabled = This account is disabled.
unauthorized-wrong-credentials = The e-mail address or the password is wrong.
unauthorized-wrong-code = The code is wrong or was used already.
unauthorized-refresh-token = The refresh token is invalid. Sign in again.
unauthorized-mfa-token = The MFA token is invalid or expired. Sign in again.
unauthorized-sign-in-expired = The sign-in has expired. Sign in again.
unauthorized-set-password-token = The set-password token is invalid, used or expired.
unauthorized-confirmation-link = The confirmation link is invalid, used or expired.
unauthorized-agent-link = The agent link is not valid.
unauthorized-agent-code = The code is invalid, expired or used.
unauthorized-agent-session = The agent session is no longer valid. Open the link again.
unauthorized-registration-token = The registration token is invalid or expired. Open the link again.
unauthorized-rmm-sync-credential = Send the integration's sync credential as Authorization: Bearer cdr_...
unauthorized-psa-sync-credential = Send the PSA integration's sync credential as Authorization: Bearer cdp_...
unauthorized-metrics-token = Send the metrics token as a bearer token.
unauthorized-callback-signature = The callback is not signed by the integration.
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

# serde's refusals, in its words, with the names and values it gives as arguments; a parser's
# message of no known form is the argument of `field-unreadable`.
field-missing = missing field `{ $field }`
field-duplicate = duplicate field `{ $field }`
field-unknown-variant = unknown variant `{ $value }`, expected { $expected }
field-unknown-variant-none = unknown variant `{ $value }`, there are no variants
field-invalid-value-expected = invalid value: { $found }, expected { $expected }
field-invalid-length = invalid length { $found }, expected { $expected }
field-null-keeps-value = invalid type: null; leave the field out to keep its value
field-unreadable = { $reason }

## Domain rules: the detail of a field error (422) when an input breaks a rule of the domain.

# Shared by many inputs.
rule-not-empty = must not be empty
rule-max-chars = must be at most { $max } characters
rule-min-chars = must be at least { $min } characters
rule-chars-between = must be { $min } to { $max } characters
rule-no-control-chars = must not contain control characters
rule-no-control-chars-but-breaks = must not contain control characters other than line breaks and tabs
rule-one-line = must be one line without control characters
rule-no-nul = must not contain the NUL character
rule-not-negative = must not be negative
rule-from-to = must be { $min } to { $max }
rule-not-before = must not be before { $other }
rule-one-of = must be one of { $values }
rule-either = must be { $first } or { $second }
rule-date = must be a date written YYYY-MM-DD
rule-year-range = must be between the years 1970 and 9999
rule-tags-at-most = at most { $max } tags
rule-plain-text = must be 1 to { $max } characters, without control characters
rule-out-of-range = is out of range
rule-after = must be after { $other }
rule-together = { $first } and { $second } go together
rule-date-yyyy-mm-dd = must be a date YYYY-MM-DD
rule-month-yyyy-mm = must be a month YYYY-MM
rule-time-of-day = must be a time HH:MM from 00:00 to 24:00
rule-status-unknown = unknown status
rule-status-unknown-named = unknown status { $status }
rule-given-by-path = is given by the path here
rule-company-in-path = the company is the one in the path
rule-company-unknown = is not a company of this tenant
rule-company-id-unknown = { $id } is not a company of this tenant
rule-company-named-unknown = company { $id } is not a company of this tenant
rule-user-unknown = is not a user of this tenant
rule-code-not-sent = is not the code we sent

# Query parameters and headers.
rule-cursor = is not a cursor this API gave out
rule-cursor-sort = is not a cursor this API gave out for this sort
rule-search-prefix = a prefix ({ $prefix }*) needs at least { $min } letters or digits
rule-search-word = must contain a word or a number
rule-idempotency-key = must be 1 to 255 visible ASCII characters
rule-idempotency-key-reused = was already used with a different request; use a new key

# Logins, addresses and passwords.
rule-email = must be an e-mail address such as name@example.com
rule-email-other-company-domain = this address belongs to another company's e-mail domain
rule-email-not-company-domain = must be an address of one of the company's e-mail domains
rule-memberships-no-domain = name a company: the address is in no company's registered e-mail domain
rule-domain = must be a domain name such as contoso.example
rule-phone = must be a phone number such as +41 44 123 45 67
rule-password-common = is one of the most common breached passwords; choose another
rule-password-is-email = must not be your e-mail address
rule-role-unknown = unknown role { $role }; roles are portal_user, portal_user_plus, customer_approver, change_manager, controller, portal_admin, vault_reader, vault_editor
rule-roles-empty = at least one role is required
rule-portal-admin-provider-only = only the provider grants portal_admin in this tenant
rule-portal-admin-not-by-customer = portal_admin cannot be granted by a customer in this tenant
rule-totp-enrolment-code = does not match the new secret; check the app's clock and try the next code
rule-code-or-recovery-code = send either code or recovery_code
rule-code-or-sms-code = give exactly one of code and sms_code
rule-phone-by-endpoint = change or remove your phone with PUT or DELETE /api/v1/me/phone (it asks for your second factor)
rule-roles-unchanged = are the roles you hold already
rule-reason-required = must say why
rule-notice-kind = is not a kind of e-mail written for you
rule-company-member = must be a member of the company
rule-company-cycle = would make the company its own ancestor
rule-company-depth = the chain of parent companies is too deep

# Settings, calendars and SMS.
rule-time-zone = must be an IANA time zone such as Europe/Zurich
rule-request-types-at-most = at most { $max } request types
rule-hours-interval = each interval starts before it ends, within the day
rule-hours-overlap = the intervals of a day may not overlap
rule-hours-empty-week = a calendar is open at least one hour a week
rule-sla-targets = targets are 1 to { $max } minutes
rule-sla-pause-closed = resolved and closed stop the clock; they cannot pause it
rule-calling-codes-at-most = holds at most { $max } prefixes
rule-calling-code = { $value } is not a prefix such as +41
rule-sms-country = SMS cannot go to this country: give the number with a calling code your provider allows
rule-holidays-at-most = at most { $max } holidays
rule-intervals-at-most = at most { $max } intervals a day
rule-calendar-unknown = no such calendar
rule-plan-unknown = no such plan
rule-field-key = must be 1 to 40 lowercase letters, digits or _, starting with a letter
rule-select-options = a select field needs 1 to 100 options
rule-options-select-only = only select fields have options
rule-options-plain-text = each option must be 1 to { $max } characters, without control characters

# Tickets.
rule-requester-required-for-staff = is required for staff
rule-queue-inactive = is not an active queue
rule-request-type-not-allowed = is not a request type this company may use
rule-not-company-user = must be a portal user of the ticket's company
rule-assignee-not-staff = is not a staff user of this tenant
rule-assignee-not-active-staff = is not an active staff user of this tenant
rule-input-not-allowed = your roles do not allow setting it
rule-input-not-editable = is not editable for customers
rule-input-staff-only = is set by the service provider only
rule-internal-note-staff-only = only staff add internal notes
rule-custom-values-at-most = at most { $max } values
rule-custom-field-unknown = { $key }: no such field
rule-custom-field-required = { $key }: is required
rule-custom-field-expected-value = { $key }: expected a value (the field is required)
rule-custom-field-expected-text = { $key }: expected a string of at most { $max } characters
rule-custom-field-expected-number = { $key }: expected a number
rule-custom-field-expected-boolean = { $key }: expected true or false
rule-custom-field-expected-date = { $key }: expected a date as YYYY-MM-DD
rule-custom-field-expected-option = { $key }: expected one of { $options }
rule-field-visibility-staff = { $field } is set by staff only: read_only or hidden
rule-field-hidden-filter = { $field } is not shown to customers, so tickets cannot be filtered or sorted by it
rule-comment-required-to-reject = is required when rejecting: say why
rule-ticket-sort = must be created, updated or priority, optionally prefixed with -
rule-staff-filters = assignee_id, queue_id and company_id filter staff lists only
rule-planned-start = must be from today to ten years ahead
rule-iso-currency = must be an ISO 4217 code such as EUR or USD
rule-deadline = must be in the future, at most a year ahead

# Attachments.
rule-content-type = content type { $type } is not accepted; send one of { $accepted }
rule-content-mismatch = the contents are not { $type }
rule-content-binary = the contents are not { $type } (binary data)

# Knowledge base.
rule-kb-audience-companies = must name 1 to 100 companies
rule-kb-audience-kind = must be all_companies, companies, territory, classification or internal
rule-kb-tag = each tag is 1 to { $max } letters, digits or - _ . + # (got { $value })
rule-kb-category-cycle = would make the category its own ancestor
rule-kb-category-depth = categories nest at most { $max } levels
rule-kb-category-unknown = is not a category of this tenant
rule-kb-search-no-word = must contain at least one word to look for

# Devices, assets, warranties and licences.
rule-addresses-at-most = must hold at most { $max } addresses
rule-disks-at-most = must hold at most { $max } disks
rule-disk-sizes = sizes must be positive, with free_bytes at most size_bytes
rule-warranty-device = a warranty covers a device: name it
rule-seats-licence-only = only a licence has seats
rule-devices-count = must hold 1 to { $max } devices
rule-entries-at-most = must hold at most { $max } entries
rule-device-own = is the device's own: leave it out
rule-device-user = the device's user must be a portal user of the device's company
rule-device-portal-user = must be a portal user of the device's company
rule-device-not-of-company = is not a device of this company
rule-entry-stays-with-company = an entry stays with its company

# Self-service.
rule-software-not-in-catalogue = is not in the catalogue
rule-software-linux = software cannot be installed on Linux computers
rule-software-required = is required to install software
rule-software-install-only = goes with install_software only
rule-software-not-offered = is not offered on this computer
rule-package-id = must be a package id (letters, digits, . - _ @ / +)
rule-homebrew-formula-or-cask = give a Homebrew formula or a cask, not both
rule-package-required = give a Chocolatey id, a Homebrew formula or a cask

# Vault.
rule-vault-url = must be an address with a scheme (https://...)
rule-vault-tag = a tag is one word of 1 to 40 characters
rule-vault-secret-empty = must not be empty (leave it out to keep the current one)
rule-vault-totp-seed = must be a base32 TOTP seed of 16 to 103 characters
rule-title-search = must be at most 200 characters, one line

# Contracts, projects and invoices.
rule-hours = must be 0 to 100,000 hours with at most two decimals
rule-month = must be a month written YYYY-MM
rule-note-body = must be 1 to 10,000 characters
rule-currency = must be an ISO 4217 code of three capital letters, such as CHF
rule-minor-units = must be 0 to { $max } minor units
rule-invoice-total = must be net_minor + tax_minor
rule-invoice-paid = must not exceed total_minor
rule-payment-url = must be an https:// URL with a host, at most 2000 characters
rule-quantity = must be a number from 0 to 1,000,000,000 with at most three decimals
rule-contract-hours = a block of hours has hours, not a currency or amounts
rule-contract-retainer = a retainer has a currency and amounts, not hours
rule-contract-other-company = is a contract of another company
rule-contract-unknown = is not a contract of this tenant
rule-contract-by-psa-id = name the contract by contract_psa_id
rule-lines-at-most = at most { $max } lines
rule-phases-at-most = at most { $phases } phases of { $tasks } tasks
rule-team-at-most = at most { $max } members
rule-currency-with-charges = is required with charges
rule-team-no-email = no member of the team has an e-mail address
rule-rows-count = must hold 1 to { $max } rows
rule-sync-batch-size = send 1 to { $max } rows, upserts and deletes together
rule-sync-named-twice = named more than once in this batch

# Webhooks.
rule-event-types-empty = must name at least one event type
rule-event-types-at-most = must list at most { $max } types
rule-url-unparsable = is not a URL: { $reason }
rule-url-https = must be an https:// URL
rule-url-credentials = must not carry a user name or password
rule-url-host = must name a host
rule-url-private = resolves to a private, loopback or link-local address; the tenant does not allow those (allow_private_targets)
rule-url-https-or-private = must be an https:// URL (http:// only for an allowed private address)
rule-url-unresolved = names a host that does not resolve ({ $host })

## Permission refusals (403) of the domain's policies.
denied-staff-only = only the provider's staff may do this
denied-provider-admin-only = only a provider admin may do this
denied-read-only-token = this API token is read-only
denied-agent-session = this session was opened from your computer's agent menu; sign in with your password to do this
denied-token-manages-tokens = an API token cannot manage API tokens
denied-second-factor-first = sign in with your password and an authenticator code first
denied-roles = your roles in this company do not allow this
denied-roles-system-info = your roles in this company do not include system info
denied-roles-kb = your roles in this company do not include the knowledge base
denied-roles-projects = your roles in this company do not include projects
denied-roles-invoices = your roles in this company do not include invoices
denied-roles-tickets = Your roles in this company do not include tickets.
denied-roles-open-tickets = Your roles in this company do not allow opening tickets.
denied-ticket-read-only = Your roles let you read this ticket, not change it.
denied-ticketing-off = Ticketing is switched off for this company.
denied-reopen = The provider does not allow reopening tickets.
denied-kb-off = the knowledge base is switched off for this company
denied-self-service-off = Self-service actions are switched off for your company.
denied-token-phones = An API token cannot manage phones or prove a second factor.
denied-no-session = This access token names no sign-in session: sign in again.
denied-vault-read = reading the vault needs the vault_reader or vault_editor role
denied-vault-write = changing the vault needs the vault_editor role
denied-vault-reveals = only the company's portal admin reads the vault's reveals
denied-vault-reveal-factor = revealing a secret needs a second factor: set up an authenticator app or a verified phone first
denied-vault-document-own-company = a vault editor writes documents for its own company only (audience: companies, naming that company alone); wider audiences are the provider's
denied-vault-document-not-own = this document is not your company's own: only the provider changes it
denied-step-up-use-app = you have an authenticator app: prove your second factor with its code
denied-step-up-phone-changed = codes by SMS count again 24 hours after a phone change
denied-step-up-no-app = no authenticator app is set up
denied-step-up-no-phone = set and verify a phone first
denied-step-up-app-first = prove your authenticator code first (POST /api/v1/me/step-up); it counts for 5 minutes
denied-step-up-sms-first = prove a code sent to your current phone first (POST /api/v1/me/step-up); it counts for 5 minutes
denied-step-up-first = prove a second factor first (POST /api/v1/me/step-up); it counts for 5 minutes
denied-logins-portal-admin = managing this company's logins needs the portal admin role
denied-own-login = you cannot change your own login or roles
denied-role-change-decider = role changes are decided by a customer approver or portal admin
denied-own-role-change = you cannot decide your own role change

## Refusals (403) the API writes itself.
forbidden-wrong-code = The code is wrong, expired or already used.
forbidden-withdraw-not-requester = Only the requester withdraws a request.
forbidden-requester-validates = The requester of a ticket cannot validate it.
forbidden-not-approver = You are no longer an approver of this company.
forbidden-token-password = An API token cannot change the password.
forbidden-wrong-password = The current password is wrong.
forbidden-token-second-factor = An API token cannot change the second factor.
forbidden-send-current-code = Send a current code of your authenticator app.
forbidden-two-factor-required = Your company requires two-factor sign-in.
forbidden-sign-in-log = The sign-in log is for the company's portal admins.
forbidden-staff-directory = The provider does not list its staff to customers.
forbidden-roles-changes = Your roles in this company do not include approving changes.
forbidden-staff-role-request = Staff hold no roles in a company: a provider admin sets roles directly.
forbidden-role-request-decider = Role changes are decided by the company's customer approvers and portal admins.
forbidden-staff-validates = Validations are decided by the customer's approvers, not by staff.
forbidden-roles-validations = Your roles in this company do not include validating tickets.

## Conflicts (409) with the current state of things.
conflict-idempotency-in-progress = A request with this Idempotency-Key is still being processed.
conflict-company-name = A company of that name exists.
conflict-company-domain = A company of this tenant has this domain.
conflict-domain-registered = The domain { $domain } is registered on { $company } (company { $company_id }).
conflict-entry-synced = This entry is synced from the RMM with its device: change it there.
conflict-enrolment-not-started = Start enrolment first.
conflict-no-second-factor = No second factor is set up.
conflict-email-taken = Another user of this tenant has that e-mail address.
conflict-user-exists = A user with this e-mail address exists already.
conflict-user-email-exists = A user with that e-mail exists.
conflict-user-disabled = The user is disabled: enable it first.
conflict-last-portal-admin = the company would be left without a portal admin
conflict-psa-id-record = Another record has this psa_id.
conflict-psa-id-project = Another project has this psa_id.
conflict-psa-id-invoice = Another invoice has this psa_id.
conflict-name-taken = That name is already in use.
conflict-name-or-key-taken = That name or key is already in use.
conflict-calendar-in-use = Cannot delete: the calendar is used by a plan.
conflict-plan-in-use = Cannot delete: the plan is given to a company.
conflict-category-name = A category of that name exists at that place.
conflict-category-not-empty = The category holds { $children } subcategories and { $articles } articles; move or delete them first.
conflict-step-up-no-app = No authenticator app is set up.
conflict-step-up-no-phone = Set and verify a phone first.
conflict-phone-first = Set and verify a phone first (PUT /api/v1/me/phone).
conflict-no-valid-code = No valid code: ask for a new one.
conflict-no-valid-code-register = No valid code: register again to receive a new one.
conflict-api-tokens-limit = You hold { $max } live API tokens, the most allowed; revoke one first.
conflict-device-has-user = This computer has a portal user already.
conflict-registration-done = This registration was completed already.
conflict-sign-in-to-continue = Sign in with your password and code to continue.
conflict-agent-user-exists = A portal user with this e-mail address exists already. Ask your provider to link this computer to it.
conflict-agent-code-other-contact = A code was sent to another contact for this computer; confirm it or wait until it expires.
conflict-role-request-settled = The request was decided or withdrawn already.
conflict-role-request-pending = A role change of yours is pending in this company: withdraw it to ask for other roles.
conflict-requester-left = The requester is no longer a member of the company.
conflict-ticket-billed = This ticket has been billed and can no longer be changed.
conflict-ticket-not-closed = The ticket is not closed.
conflict-ticket-busy = The ticket is being changed by others right now; try again.
conflict-validation-settled = This validation has already been settled or cancelled.
conflict-validation-decided = You have already decided on this validation.
conflict-validation-expired = The deadline of this validation has passed; it expired undecided.
conflict-validation-pending = The ticket already awaits a validation; cancel it first.
conflict-validation-not-pending = Only a pending validation can be cancelled.
conflict-validation-ticket-closed = The ticket is closed; reopen it before asking for a validation.
conflict-validation-no-approver = The ticket's company has no approver (customer_approver or change_manager) other than the requester.
conflict-validation-status = This validation is { $status } already.
conflict-link-used = This link has been used already.
conflict-link-expired = This link has expired.
conflict-change-settled = This change request has already been decided or cancelled.
conflict-action-status = The action is { $status } already.
conflict-self-service-not-connected = Self-service is not connected to the RMM yet.
conflict-reset-password-phone = Reset password needs the user's verified phone.
conflict-delivery-pending = This delivery is still pending: it is being delivered already.
conflict-outbox-not-dead = Only a dead message can be retried; this one is { $status }.
conflict-outbox-secret-wiped = This message held a secret that was wiped when it died, so it cannot be sent again; start what sent it again instead.

## Uploads (attachments of tickets and articles) and the vault.
problem-uploads-busy-detail = Too many uploads are in progress. Try again in a moment.
problem-vault-unavailable-detail = The documentation vault is off: this server was started without a master key (CLIENTDESK_MASTER_KEY). Everything else is served.
upload-media-type = Send the files as multipart/form-data.
upload-unreadable = The multipart body cannot be read: { $reason }
upload-too-many-files = at most { $max } files per upload
upload-file-empty = { $file } is empty
upload-file-too-large = { $file } is larger than the limit of { $limit } bytes per file.
upload-ticket-limit = The ticket's attachments would exceed their total limit.
upload-article-limit = The article's attachments would exceed their total limit.
upload-note-id = must be a note id
upload-note-not-of-ticket = is not a note of this ticket
upload-unknown-part = unknown part; send `file` parts and an optional `note_id`
upload-no-file = send at least one `file` part, of type { $accepted }
upload-no-note = these attachments belong to no note
upload-project-limit = The project's attachments would exceed their total limit.
upload-document-limit = The document's attachments would exceed their total limit.
