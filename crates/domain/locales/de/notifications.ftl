validation-requested-subject = [#{ $number }] Ihre Freigabe wird benötigt: { $title }
validation-requested-body =
    Hallo { $name },

    Ihr Dienstleister bittet um eine Entscheidung zum Ticket #{ $number } „{ $title }“:

    { $question }

    { $deadline_line }Annehmen: { $accept_url }
    Ablehnen: { $reject_url }

    Jeder Link zeigt zuerst, was entschieden wird, und bittet um Bestätigung. Die Links gelten nur für Sie, nur einmal und bis { $link_expiry }.

    Zum Ticket: { $ticket_url }
validation-requested-deadline = Bitte entscheiden Sie bis { $deadline }.
validation-decided-subject = [#{ $number }] Freigabe { $outcome }: { $title }
validation-decided-body =
    Die Freigabe zum Ticket #{ $number } „{ $title }“ wurde von { $decider } { $outcome }.

    Frage: { $question }
    Kommentar: { $comment }

    Zum Ticket: { $ticket_url }
validation-accepted = angenommen
validation-rejected = abgelehnt
note-added-subject = [#{ $number }] Neue Antwort zu Ihrem Ticket: { $title }
note-added-body =
    Hallo { $name },

    { $author } hat zu Ihrem Ticket #{ $number } „{ $title }“ geschrieben:

    { $note }

    Zum Ticket: { $ticket_url }
change-requested-subject = Änderungsantrag wartet auf Ihre Entscheidung: { $title }
change-requested-body =
    Hallo { $name },

    Ihr Dienstleister bittet Sie, eine Änderung für { $company } zu genehmigen oder abzulehnen:

    { $title }

    { $description }

    Begründung: { $reason }
    Risiko: { $risk }
    Geplantes Zeitfenster: { $window }
    Geschätzte Kosten: { $cost }

    Hier entscheiden: { $url }
change-risk-low = niedrig
change-risk-medium = mittel
change-risk-high = hoch
activation-code-subject = Ihr Aktivierungscode für das Portal
activation-code-body =
    Hallo { $name },

    jemand, vermutlich Sie, hat über das Agent-Menü eines Computers den Portalzugang für diese Adresse angefordert. Geben Sie zur Bestätigung diesen Code ein: { $code }

    Er gilt { $minutes } Minuten. Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ohne den Code ändert sich nichts.
sms-phone-code = Ihr clientdesk-Code zur Bestätigung dieses Telefons: { $code } (gültig { $minutes } Min.).
sms-step-up-code = Ihr clientdesk-Code zur Bestätigung einer Aktion auf Ihrem Computer: { $code } (gültig { $minutes } Min.). Geben Sie ihn nie weiter.
sms-temporary-password = Temporäres Passwort für { $hostname }: { $password } - melden Sie sich damit an und wählen Sie ein neues Passwort.
phone-changed-subject = Ihre Telefonnummer für das Portal wurde geändert
phone-changed-body =
    Guten Tag { $name },

    Die Telefonnummer, die Ihre Self-Service-Aktionen bestätigt, wurde am { $at } auf { $phone } geändert. In den nächsten 24 Stunden gelten Codes per SMS nicht als zweiter Faktor.

    Wenn Sie das nicht waren, melden Sie sich an, ändern Sie Ihr Passwort und informieren Sie sofort Ihren IT-Dienstleister.
phone-removed-body =
    Guten Tag { $name },

    Die Telefonnummer, die Ihre Self-Service-Aktionen bestätigt, wurde am { $at } entfernt.

    Wenn Sie das nicht waren, melden Sie sich an, ändern Sie Ihr Passwort und informieren Sie sofort Ihren IT-Dienstleister.
invitation-subject = { $inviter } hat Sie zum Portal für { $company } eingeladen
invitation-body =
    Hallo { $name },

    { $inviter } hat Sie zum Support-Portal für { $company } eingeladen.

    Wählen Sie hier Ihr Passwort, um Ihren Zugang zu aktivieren: { $url }

    Der Link funktioniert nur einmal und bis { $expires }. Ist er abgelaufen, bitten Sie { $inviter }, Sie erneut einzuladen. Falls Sie diese Einladung nicht erwartet haben, ignorieren Sie diese Nachricht.
password-reset-subject = Zurücksetzen Ihres Portal-Passworts
password-reset-body =
    Hallo { $name },

    jemand, vermutlich Sie, hat angefordert, das Passwort Ihres Portalkontos zurückzusetzen. Wählen Sie hier ein neues Passwort: { $url }

    Der Link funktioniert nur einmal und { $minutes } Minuten lang. Bei der nächsten Anmeldung wird weiterhin Ihr zweiter Faktor abgefragt.

    Falls Sie das nicht waren, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.
email-confirmation-subject = Bestätigen Sie Ihre neue E-Mail-Adresse
email-confirmation-body =
    Hallo { $name },

    bitte bestätigen Sie diese Adresse für Ihr Portalkonto, indem Sie diesen Link öffnen: { $url }

    Der Link funktioniert nur einmal und { $hours } Stunden lang. Falls Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ohne Bestätigung ändert sich nichts.
account-password-changed-subject = Ihr Portal-Passwort wurde geändert
account-password-changed-body =
    Hallo { $name },

    das Passwort Ihres Portalkontos wurde am { $at } geändert.

    Wenn Sie das nicht waren, informieren Sie sofort Ihren IT-Dienstleister: Möglicherweise hat jemand anderes Zugriff auf Ihr Konto.
account-two-factor-reset-subject = Der zweite Faktor Ihres Portalkontos wurde zurückgesetzt
account-two-factor-reset-body =
    Hallo { $name },

    der zweite Faktor Ihres Portalkontos wurde am { $at } zurückgesetzt. Bei der nächsten Anmeldung werden Sie gebeten, ihn neu einzurichten.

    Wenn Sie das nicht erwartet haben, informieren Sie sofort Ihren IT-Dienstleister.
account-disabled-subject = Ihr Portalkonto wurde deaktiviert
account-disabled-body =
    Hallo { $name },

    Ihr Portalkonto wurde am { $at } deaktiviert: Sie können sich nicht mehr anmelden.

    Wenn Sie das nicht erwartet haben, wenden Sie sich an Ihren IT-Dienstleister.
account-enabled-subject = Ihr Portalkonto wurde wieder aktiviert
account-enabled-body =
    Hallo { $name },

    Ihr Portalkonto wurde am { $at } wieder aktiviert: Sie können sich wieder anmelden.

    Wenn Sie das nicht erwartet haben, informieren Sie sofort Ihren IT-Dienstleister.
account-email-changed-subject = Die Anmeldeadresse Ihres Portalkontos wurde geändert
account-email-changed-body =
    Hallo { $name },

    die Adresse, mit der Sie sich am Portal anmelden, wurde am { $at } auf { $new_email } geändert.

    Wenn Sie das nicht waren, informieren Sie sofort Ihren IT-Dienstleister: Möglicherweise hat jemand anderes Zugriff auf Ihr Konto.
role-change-requested-subject = Rollenantrag wartet auf Ihre Entscheidung: { $requester }
role-change-requested-body =
    Hallo { $name },

    { $requester } beantragt andere Rollen im Portal für { $company }.

    Beantragte Rollen: { $roles }
    Begründung: { $reason }

    Hier entscheiden: { $url }
role-change-decided-subject = Ihr Rollenantrag für { $company } wurde { $outcome }
role-change-decided-body =
    Hallo { $name },

    Ihr Rollenantrag für { $company } wurde von { $decider } { $outcome }.

    Beantragte Rollen: { $roles }
    Kommentar: { $comment }
role-change-granted = genehmigt
role-change-refused = abgelehnt
portal-ticket-subject = [#{ $number }] Neues Ticket von { $company }: { $title }
portal-ticket-body =
    Hallo { $name },

    { $requester } ({ $company }) hat im Portal das Ticket #{ $number } „{ $title }“ eröffnet:

    { $description }

    Zum Ticket: { $ticket_url }
customer-note-subject = [#{ $number }] Antwort des Kunden: { $title }
customer-note-body =
    Hallo { $name },

    { $author } hat zum Ticket #{ $number } „{ $title }“ geschrieben:

    { $note }

    Zum Ticket: { $ticket_url }
customer-attachment-subject = [#{ $number }] Neuer Anhang des Kunden: { $title }
customer-attachment-body =
    Hallo { $name },

    { $author } hat „{ $file_name }“ an das Ticket #{ $number } „{ $title }“ angehängt.

    Zum Ticket: { $ticket_url }
ticket-reopened-subject = [#{ $number }] Vom Kunden wiedereröffnet: { $title }
ticket-reopened-body =
    Hallo { $name },

    { $by } hat das Ticket #{ $number } „{ $title }“ wiedereröffnet.

    Zum Ticket: { $ticket_url }
ticket-confirmed-subject = [#{ $number }] Wir haben Ihr Ticket erhalten: { $title }
ticket-confirmed-body =
    Hallo { $name },

    vielen Dank: Wir haben Ihr Ticket #{ $number } „{ $title }“ erhalten und kümmern uns darum. Ergänzungen schreiben Sie bitte im Portal.

    Zum Ticket: { $ticket_url }
ticket-updates-subject = [#{ $number }] { $count } Neuigkeiten: { $title }
ticket-updates-intro = { $count } Neuigkeiten zum Ticket #{ $number } „{ $title }“:
change-decided-subject = Änderungsantrag { $outcome }: { $title }
change-decided-body =
    Hallo { $name },

    Der Änderungsantrag „{ $title }“ für { $company } wurde von { $decider } { $outcome }.

    Kommentar: { $comment }

    Zum Antrag: { $url }
change-decided-approved = genehmigt
change-decided-rejected = abgelehnt
ticket-resolved-subject = [#{ $number }] Ihr Ticket wurde { $outcome }: { $title }
ticket-resolved-body =
    Hallo { $name },

    Ihr Ticket #{ $number } „{ $title }“ wurde { $outcome }.

    { $due_line }Falls noch etwas nicht stimmt, antworten Sie bitte im Portal.

    Zum Ticket: { $ticket_url }
ticket-resolved-resolved = gelöst
ticket-resolved-closed = geschlossen
ticket-resolved-due-line = Fälligkeit: { $due }
webhook-disabled-subject = Ein Webhook wurde deaktiviert
webhook-disabled-body =
    Hallo,

    Der Webhook an { $url } ({ $description }) wurde deaktiviert: Jede Zustellung seit { $since } ist fehlgeschlagen. Letzter Fehler: { $error }

    Solange er deaktiviert ist, wird kein Ereignis gesendet; wartende Zustellungen werden fortgesetzt, sobald Sie ihn wieder einschalten.
entitlement-expiring-subject = { $company }: { $kind } „{ $product }“ endet am { $expires_on }
entitlement-expiring-body =
    Hallo { $name },

    { $kind } „{ $product }“ von { $company } endet am { $expires_on }.

    Gerät: { $asset }

    Fragen Sie Ihren Dienstleister, ob sie verlängert werden soll.
entitlement-warranty = Die Garantie
entitlement-licence = Die Lizenz
