# La page de décision qu'un approbateur ouvre depuis un lien de validation reçu par e-mail. Les
# arguments arrivent échappés pour le HTML ; les messages peuvent contenir le balisage de la page.

decision-page-title-accept = Accepter la validation du ticket n° { $number }
decision-page-title-reject = Refuser la validation du ticket n° { $number }
decision-page-intro-accept = { $approver }, vous êtes sur le point d'<strong>accepter</strong> la demande du ticket n° { $number } « { $title } » :
decision-page-intro-reject = { $approver }, vous êtes sur le point de <strong>refuser</strong> la demande du ticket n° { $number } « { $title } » :
decision-page-deadline = Décidez avant le { $deadline }.
decision-page-comment-required = Pourquoi la refusez-vous ? (obligatoire)
decision-page-comment-optional = Commentaire (facultatif)
decision-page-confirm-accept = Confirmer : accepter
decision-page-confirm-reject = Confirmer : refuser
decision-page-thanks = Merci
decision-page-outcome = Vous avez { $decision ->
        [accept] accepté
       *[reject] refusé
    } la demande. Elle est maintenant <strong>{ $status ->
        [pending] en attente
        [accepted] acceptée
        [rejected] refusée
        [expired] expirée
       *[cancelled] annulée
    }</strong>.
decision-page-close = Vous pouvez fermer cette page.
decision-page-nothing-decided = Rien n'a été décidé.
