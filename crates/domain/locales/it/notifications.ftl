validation-requested-subject = [#{ $number }] È richiesta la sua approvazione: { $title }
validation-requested-body =
    Buongiorno { $name },

    Il suo fornitore di servizi chiede una decisione sul ticket n. { $number } «{ $title }»:

    { $question }

    { $deadline_line }Per accettare: { $accept_url }
    Per rifiutare: { $reject_url }

    Ogni link mostra prima ciò che verrà deciso e chiede conferma. I link funzionano solo per lei, una sola volta e fino al { $link_expiry }.

    Il ticket: { $ticket_url }
validation-requested-deadline = Decida entro il { $deadline }.
validation-decided-subject = [#{ $number }] Validazione { $outcome }: { $title }
validation-decided-body =
    La validazione del ticket n. { $number } «{ $title }» è stata { $outcome } da { $decider }.

    Domanda: { $question }
    Commento: { $comment }

    Il ticket: { $ticket_url }
validation-accepted = accettata
validation-rejected = rifiutata
note-added-subject = [#{ $number }] Nuova risposta al suo ticket: { $title }
note-added-body =
    Buongiorno { $name },

    { $author } ha scritto sul suo ticket n. { $number } «{ $title }»:

    { $note }

    Il ticket: { $ticket_url }
change-requested-subject = Richiesta di modifica in attesa della sua decisione: { $title }
change-requested-body =
    Buongiorno { $name },

    Il suo fornitore di servizi le chiede di approvare o rifiutare una modifica per { $company }:

    { $title }

    { $description }

    Motivo: { $reason }
    Rischio: { $risk }
    Finestra prevista: { $window }
    Costo stimato: { $cost }

    Decida qui: { $url }
change-risk-low = basso
change-risk-medium = medio
change-risk-high = alto
activation-code-subject = Il suo codice di attivazione del portale
activation-code-body =
    Buongiorno { $name },

    qualcuno, probabilmente lei, ha chiesto l'accesso al portale per questo indirizzo dal menu dell'agente di un computer. Inserisca questo codice per confermare: { $code }

    È valido per { $minutes } minuti. Se non è stato lei, ignori questo messaggio: senza il codice non cambia nulla.
sms-phone-code = Il suo codice clientdesk per verificare questo telefono: { $code } (valido { $minutes } min).
sms-step-up-code = Il suo codice clientdesk per confermare un'azione sul suo computer: { $code } (valido { $minutes } min). Non lo condivida mai.
sms-temporary-password = Password temporanea per { $hostname }: { $password } - acceda con questa e scelga una nuova password.
phone-changed-subject = Il suo numero di telefono per il portale è cambiato
phone-changed-body =
    Buongiorno { $name },

    Il numero di telefono che conferma le sue azioni self-service è stato cambiato il { $at } in { $phone }. Per le prossime 24 ore i codici via SMS non valgono come secondo fattore.

    Se non è stato lei, acceda, cambi la password e avvisi subito il suo fornitore IT.
phone-removed-body =
    Buongiorno { $name },

    Il numero di telefono che conferma le sue azioni self-service è stato rimosso il { $at }.

    Se non è stato lei, acceda, cambi la password e avvisi subito il suo fornitore IT.
invitation-subject = { $inviter } la invita al portale di { $company }
invitation-body =
    Buongiorno { $name },

    { $inviter } la invita al portale di assistenza di { $company }.

    Scelga qui la sua password per attivare l'accesso: { $url }

    Il link funziona una sola volta e fino al { $expires }. Se è scaduto, chieda a { $inviter } di invitarla di nuovo. Se non si aspettava questo invito, ignori questo messaggio.
password-reset-subject = Reimpostazione della password del portale
password-reset-body =
    Buongiorno { $name },

    Qualcuno, probabilmente lei, ha chiesto di reimpostare la password del suo account del portale. Scelga qui una nuova password: { $url }

    Il link funziona una sola volta e per { $minutes } minuti. Al prossimo accesso le verrà comunque chiesto il secondo fattore.

    Se non è stato lei, ignori questo messaggio: la sua password resta invariata.
email-confirmation-subject = Confermi il suo nuovo indirizzo e-mail
email-confirmation-body =
    Buongiorno { $name },

    Confermi questo indirizzo per il suo account del portale aprendo questo link: { $url }

    Il link funziona una sola volta e per { $hours } ore. Se non l'ha richiesto lei, ignori questo messaggio: senza conferma non cambia nulla.
account-password-changed-subject = La password del suo account del portale è stata cambiata
account-password-changed-body =
    Buongiorno { $name },

    La password del suo account del portale è stata cambiata il { $at }.

    Se non è stato lei, avvisi subito il suo fornitore IT: qualcun altro potrebbe avere accesso al suo account.
account-two-factor-reset-subject = Il secondo fattore del suo account del portale è stato reimpostato
account-two-factor-reset-body =
    Buongiorno { $name },

    Il secondo fattore del suo account del portale è stato reimpostato il { $at }. Al prossimo accesso dovrà configurarlo di nuovo.

    Se non se lo aspettava, avvisi subito il suo fornitore IT.
account-disabled-subject = Il suo account del portale è stato disattivato
account-disabled-body =
    Buongiorno { $name },

    Il suo account del portale è stato disattivato il { $at }: non può più accedere.

    Se non se lo aspettava, contatti il suo fornitore IT.
account-enabled-subject = Il suo account del portale è stato riattivato
account-enabled-body =
    Buongiorno { $name },

    Il suo account del portale è stato riattivato il { $at }: può di nuovo accedere.

    Se non se lo aspettava, avvisi subito il suo fornitore IT.
account-email-changed-subject = L'indirizzo di accesso del suo account del portale è cambiato
account-email-changed-body =
    Buongiorno { $name },

    L'indirizzo con cui accede al portale è stato cambiato il { $at } in { $new_email }.

    Se non è stato lei, avvisi subito il suo fornitore IT: qualcun altro potrebbe avere accesso al suo account.
role-change-requested-subject = Richiesta di ruoli in attesa della sua decisione: { $requester }
role-change-requested-body =
    Buongiorno { $name },

    { $requester } chiede altri ruoli nel portale per { $company }.

    Ruoli richiesti: { $roles }
    Motivo: { $reason }

    Decida qui: { $url }
role-change-decided-subject = La sua richiesta di ruoli per { $company } è stata { $outcome }
role-change-decided-body =
    Buongiorno { $name },

    La sua richiesta di ruoli per { $company } è stata { $outcome } da { $decider }.

    Ruoli richiesti: { $roles }
    Commento: { $comment }
role-change-granted = accolta
role-change-refused = respinta
portal-ticket-subject = [#{ $number }] Nuovo ticket da { $company }: { $title }
portal-ticket-body =
    Buongiorno { $name },

    { $requester } ({ $company }) ha aperto il ticket n. { $number } «{ $title }» nel portale:

    { $description }

    Il ticket: { $ticket_url }
customer-note-subject = [#{ $number }] Risposta del cliente: { $title }
customer-note-body =
    Buongiorno { $name },

    { $author } ha scritto sul ticket n. { $number } «{ $title }»:

    { $note }

    Il ticket: { $ticket_url }
customer-attachment-subject = [#{ $number }] Nuovo allegato del cliente: { $title }
customer-attachment-body =
    Buongiorno { $name },

    { $author } ha allegato «{ $file_name }» al ticket n. { $number } «{ $title }».

    Il ticket: { $ticket_url }
ticket-reopened-subject = [#{ $number }] Riaperto dal cliente: { $title }
ticket-reopened-body =
    Buongiorno { $name },

    { $by } ha riaperto il ticket n. { $number } «{ $title }».

    Il ticket: { $ticket_url }
ticket-confirmed-subject = [#{ $number }] Abbiamo ricevuto il suo ticket: { $title }
ticket-confirmed-body =
    Buongiorno { $name },

    grazie: abbiamo ricevuto il suo ticket n. { $number } «{ $title }» e ce ne occuperemo. Risponda nel portale per aggiungere qualcosa.

    Il ticket: { $ticket_url }
ticket-updates-subject = [#{ $number }] { $count } aggiornamenti: { $title }
ticket-updates-intro = { $count } aggiornamenti sul ticket n. { $number } «{ $title }»:
change-decided-subject = Richiesta di modifica { $outcome }: { $title }
change-decided-body =
    Buongiorno { $name },

    La richiesta di modifica «{ $title }» per { $company } è stata { $outcome } da { $decider }.

    Commento: { $comment }

    La richiesta: { $url }
change-decided-approved = approvata
change-decided-rejected = respinta
ticket-resolved-subject = [#{ $number }] Il suo ticket è stato { $outcome }: { $title }
ticket-resolved-body =
    Buongiorno { $name },

    il suo ticket n. { $number } «{ $title }» è stato { $outcome }.

    { $due_line }Se qualcosa non va ancora, risponda nel portale.

    Il ticket: { $ticket_url }
ticket-resolved-resolved = risolto
ticket-resolved-closed = chiuso
ticket-resolved-due-line = Scadenza: { $due }
webhook-disabled-subject = Un webhook è stato disattivato
webhook-disabled-body =
    Buongiorno,

    Il webhook verso { $url } ({ $description }) è stato disattivato: ogni consegna dal { $since } è fallita. Ultimo errore: { $error }

    Nessun evento viene inviato finché è disattivato; le consegne in attesa riprendono quando lo riattiva.
entitlement-expiring-subject = { $company }: { $kind } «{ $product }» scade il { $expires_on }
entitlement-expiring-body =
    Buongiorno { $name },

    Per { $company }, { $kind } «{ $product }» scade il { $expires_on }.

    Dispositivo: { $asset }

    Chieda al suo fornitore se va rinnovata.
entitlement-warranty = la garanzia
entitlement-licence = la licenza
