# Die Entscheidungsseite, die ein Genehmiger über einen per E-Mail erhaltenen Freigabelink öffnet.
# Argumente kommen HTML-maskiert an; die Meldungen dürfen das Markup der Seite enthalten.

decision-page-title-accept = Freigabe zum Ticket #{ $number } annehmen
decision-page-title-reject = Freigabe zum Ticket #{ $number } ablehnen
decision-page-intro-accept = { $approver }, Sie sind dabei, die Anfrage zum Ticket #{ $number } „{ $title }“ <strong>anzunehmen</strong>:
decision-page-intro-reject = { $approver }, Sie sind dabei, die Anfrage zum Ticket #{ $number } „{ $title }“ <strong>abzulehnen</strong>:
decision-page-deadline = Entscheiden Sie bis { $deadline }.
decision-page-comment-required = Warum lehnen Sie ab? (erforderlich)
decision-page-comment-optional = Kommentar (optional)
decision-page-confirm-accept = Bestätigen: annehmen
decision-page-confirm-reject = Bestätigen: ablehnen
decision-page-thanks = Vielen Dank
decision-page-outcome = Sie haben die Anfrage { $decision ->
        [accept] angenommen
       *[reject] abgelehnt
    }. Sie ist jetzt <strong>{ $status ->
        [pending] offen
        [accepted] angenommen
        [rejected] abgelehnt
        [expired] abgelaufen
       *[cancelled] zurückgezogen
    }</strong>.
decision-page-close = Sie können diese Seite schließen.
decision-page-nothing-decided = Es wurde nichts entschieden.
