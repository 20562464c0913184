validation-requested-subject = [#{ $number }] Your approval is requested: { $title }
validation-requested-body =
    Hello { $name },

    Your service provider asks for a decision on ticket #{ $number } "{ $title }":

    { $question }

    { $deadline_line }To accept: { $accept_url }
    To reject: { $reject_url }

    Each link first shows what will be decided and asks you to confirm. The links work only for you, only once, and until { $link_expiry }.

    The ticket: { $ticket_url }
validation-requested-deadline = Please decide before { $deadline }.
validation-decided-subject = [#{ $number }] Validation { $outcome }: { $title }
validation-decided-body =
    The validation of ticket #{ $number } "{ $title }" was { $outcome } by { $decider }.

    Question: { $question }
    Comment: { $comment }

    The ticket: { $ticket_url }
validation-accepted = accepted
validation-rejected = rejected
note-added-subject = [#{ $number }] New reply on your ticket: { $title }
note-added-body =
    Hello { $name },

    { $author } wrote on your ticket #{ $number } "{ $title }":

    { $note }

    The ticket: { $ticket_url }
change-requested-subject = Change request awaiting your decision: { $title }
change-requested-body =
    Hello { $name },

    Your service provider asks you to approve or reject a change for { $company }:

    { $title }

    { $description }

    Reason: { $reason }
    Risk: { $risk }
    Planned window: { $window }
    Estimated cost: { $cost }

    Decide here: { $url }
change-risk-low = low
change-risk-medium = medium
change-risk-high = high
activation-code-subject = Your portal activation code
activation-code-body =
    Hello { $name },

    Someone, probably you, asked to activate portal access for this address from a computer's agent menu. Enter this code to confirm: { $code }

    It is valid for { $minutes } minutes. If it was not you, ignore this message: nothing changes without the code.
sms-phone-code = Your clientdesk code to verify this phone: { $code } (valid { $minutes } min).
sms-step-up-code = Your clientdesk code to confirm an action on your computer: { $code } (valid { $minutes } min). Never share it.
sms-temporary-password = Temporary password for { $hostname }: { $password } - sign in with it and choose a new password.
phone-changed-subject = Your phone number for the portal changed
phone-changed-body =
    Hello { $name },

    The phone number that confirms your self-service actions was changed on { $at } to { $phone }. For the next 24 hours, codes by SMS do not count as a second factor.

    If you did not do this, sign in, change your password and tell your IT provider at once.
phone-removed-body =
    Hello { $name },

    The phone number that confirms your self-service actions was removed on { $at }.

    If you did not do this, sign in, change your password and tell your IT provider at once.
invitation-subject = { $inviter } invited you to the portal for { $company }
invitation-body =
    Hello { $name },

    { $inviter } invited you to the support portal for { $company }.

    Choose your password here to activate your access: { $url }

    The link works only once and until { $expires }. If it has expired, ask { $inviter } to invite you again. If you did not expect this invitation, ignore this message.
password-reset-subject = Reset your portal password
password-reset-body =
    Hello { $name },

    Someone, probably you, asked to reset the password of your portal account. Choose a new password here: { $url }

    The link works only once and for { $minutes } minutes. At your next sign-in, you will still be asked for your second factor.

    If it was not you, ignore this message: your password stays as it is.
email-confirmation-subject = Confirm your new e-mail address
email-confirmation-body =
    Hello { $name },

    Please confirm this address for your portal account by opening this link: { $url }

    The link works only once and for { $hours } hours. If you did not ask for this, ignore this message: nothing changes without confirmation.
account-password-changed-subject = Your portal password was changed
account-password-changed-body =
    Hello { $name },

    The password of your portal account was changed on { $at }.

    If you did not do this, tell your IT provider at once: someone else may have access to your account.
account-two-factor-reset-subject = The second factor of your portal account was reset
account-two-factor-reset-body =
    Hello { $name },

    The second factor of your portal account was reset on { $at }. At your next sign-in, you will be asked to set it up again.

    If you did not expect this, tell your IT provider at once.
account-disabled-subject = Your portal account was disabled
account-disabled-body =
    Hello { $name },

    Your portal account was disabled on { $at }: you can no longer sign in.

    If you did not expect this, contact your IT provider.
account-enabled-subject = Your portal account was enabled again
account-enabled-body =
    Hello { $name },

    Your portal account was enabled again on { $at }: you can sign in again.

    If you did not expect this, tell your IT provider at once.
account-email-changed-subject = The sign-in address of your portal account changed
account-email-changed-body =
    Hello { $name },

    The address you use to sign in to the portal was changed on { $at } to { $new_email }.

    If you did not do this, tell your IT provider at once: someone else may have access to your account.
role-change-requested-subject = Role request awaiting your decision: { $requester }
role-change-requested-body =
    Hello { $name },

    { $requester } asks for other roles on the portal for { $company }.

    Requested roles: { $roles }
    Reason: { $reason }

    Decide here: { $url }
role-change-decided-subject = Your role request for { $company } was { $outcome }
role-change-decided-body =
    Hello { $name },

    Your role request for { $company } was { $outcome } by { $decider }.

    Requested roles: { $roles }
    Comment: { $comment }
role-change-granted = granted
role-change-refused = refused
portal-ticket-subject = [#{ $number }] New ticket from { $company }: { $title }
portal-ticket-body =
    Hello { $name },

    { $requester } of { $company } opened ticket #{ $number } "{ $title }" in the portal:

    { $description }

    The ticket: { $ticket_url }
customer-note-subject = [#{ $number }] Customer reply: { $title }
customer-note-body =
    Hello { $name },

    { $author } wrote on ticket #{ $number } "{ $title }":

    { $note }

    The ticket: { $ticket_url }
customer-attachment-subject = [#{ $number }] New attachment from the customer: { $title }
customer-attachment-body =
    Hello { $name },

    { $author } attached "{ $file_name }" to ticket #{ $number } "{ $title }".

    The ticket: { $ticket_url }
ticket-reopened-subject = [#{ $number }] Reopened by the customer: { $title }
ticket-reopened-body =
    Hello { $name },

    { $by } reopened ticket #{ $number } "{ $title }".

    The ticket: { $ticket_url }
ticket-confirmed-subject = [#{ $number }] We received your ticket: { $title }
ticket-confirmed-body =
    Hello { $name },

    Thank you: we received your ticket #{ $number } "{ $title }" and will take care of it. Reply in the portal to add anything.

    The ticket: { $ticket_url }
ticket-updates-subject = [#{ $number }] { $count } updates: { $title }
ticket-updates-intro = { $count } updates on ticket #{ $number } "{ $title }":
change-decided-subject = Change request { $outcome }: { $title }
change-decided-body =
    Hello { $name },

    The change request "{ $title }" for { $company } was { $outcome } by { $decider }.

    Comment: { $comment }

    The change request: { $url }
change-decided-approved = approved
change-decided-rejected = rejected
ticket-resolved-subject = [#{ $number }] Your ticket was { $outcome }: { $title }
ticket-resolved-body =
    Hello { $name },

    Your ticket #{ $number } "{ $title }" was { $outcome }.

    { $due_line }If something is still wrong, reply in the portal.

    The ticket: { $ticket_url }
ticket-resolved-resolved = resolved
ticket-resolved-closed = closed
ticket-resolved-due-line = Due date: { $due }
webhook-disabled-subject = A webhook was disabled
webhook-disabled-body =
    Hello,

    The webhook to { $url } ({ $description }) was disabled: every delivery since { $since } failed. The last error: { $error }

    No event is sent while it is off; deliveries already waiting resume when you switch it on again.
entitlement-expiring-subject = { $company }: { $kind } "{ $product }" ends on { $expires_on }
entitlement-expiring-body =
    Hello { $name },

    The { $kind } "{ $product }" of { $company } ends on { $expires_on }.

    Device: { $asset }

    Ask your service provider if it should be renewed.
entitlement-warranty = warranty
entitlement-licence = licence
