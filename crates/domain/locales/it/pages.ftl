# La pagina di decisione che un approvatore apre da un link di validazione ricevuto per e-mail.
# Gli argomenti arrivano già protetti per l'HTML; i messaggi possono contenere il markup della pagina.

decision-page-title-accept = Accettare la validazione del ticket n. { $number }
decision-page-title-reject = Rifiutare la validazione del ticket n. { $number }
decision-page-intro-accept = { $approver }, sta per <strong>accettare</strong> la richiesta sul ticket n. { $number } «{ $title }»:
decision-page-intro-reject = { $approver }, sta per <strong>rifiutare</strong> la richiesta sul ticket n. { $number } «{ $title }»:
decision-page-deadline = Decida entro il { $deadline }.
decision-page-comment-required = Perché la rifiuta? (obbligatorio)
decision-page-comment-optional = Commento (facoltativo)
decision-page-confirm-accept = Conferma: accettare
decision-page-confirm-reject = Conferma: rifiutare
decision-page-thanks = Grazie
decision-page-outcome = Ha { $decision ->
        [accept] accettato
       *[reject] rifiutato
    } la richiesta. Ora è <strong>{ $status ->
        [pending] in attesa
        [accepted] accettata
        [rejected] rifiutata
        [expired] scaduta
       *[cancelled] annullata
    }</strong>.
decision-page-close = Può chiudere questa pagina.
decision-page-nothing-decided = Non è stato deciso nulla.
