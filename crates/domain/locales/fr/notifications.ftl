validation-requested-subject = [#{ $number }] Votre validation est demandée : { $title }
validation-requested-body =
    Bonjour { $name },

    Votre prestataire vous demande une décision sur le ticket n° { $number } « { $title } » :

    { $question }

    { $deadline_line }Pour accepter : { $accept_url }
    Pour refuser : { $reject_url }

    Chaque lien affiche d'abord ce qui sera décidé et vous demande de confirmer. Les liens ne fonctionnent que pour vous, une seule fois, et jusqu'au { $link_expiry }.

    Le ticket : { $ticket_url }
validation-requested-deadline = Merci de décider avant le { $deadline }.
validation-decided-subject = [#{ $number }] Validation { $outcome } : { $title }
validation-decided-body =
    La validation du ticket n° { $number } « { $title } » a été { $outcome } par { $decider }.

    Question : { $question }
    Commentaire : { $comment }

    Le ticket : { $ticket_url }
validation-accepted = acceptée
validation-rejected = refusée
note-added-subject = [#{ $number }] Nouvelle réponse à votre ticket : { $title }
note-added-body =
    Bonjour { $name },

    { $author } a écrit sur votre ticket n° { $number } « { $title } » :

    { $note }

    Le ticket : { $ticket_url }
change-requested-subject = Demande de changement en attente de votre décision : { $title }
change-requested-body =
    Bonjour { $name },

    Votre prestataire vous demande d'approuver ou de refuser un changement pour { $company } :

    { $title }

    { $description }

    Motif : { $reason }
    Risque : { $risk }
    Fenêtre prévue : { $window }
    Coût estimé : { $cost }

    Décider ici : { $url }
change-risk-low = faible
change-risk-medium = moyen
change-risk-high = élevé
activation-code-subject = Votre code d'activation du portail
activation-code-body =
    Bonjour { $name },

    Quelqu'un, sans doute vous, a demandé l'accès au portail pour cette adresse depuis le menu de l'agent d'un ordinateur. Saisissez ce code pour confirmer : { $code }

    Il est valable { $minutes } minutes. Si ce n'était pas vous, ignorez ce message : rien ne change sans le code.
sms-phone-code = Votre code clientdesk pour vérifier ce téléphone : { $code } (valable { $minutes } min).
sms-step-up-code = Votre code clientdesk pour confirmer une action sur votre ordinateur : { $code } (valable { $minutes } min). Ne le partagez jamais.
sms-temporary-password = Mot de passe temporaire pour { $hostname } : { $password } - connectez-vous avec et choisissez un nouveau mot de passe.
phone-changed-subject = Votre numéro de téléphone pour le portail a changé
phone-changed-body =
    Bonjour { $name },

    Le numéro de téléphone qui confirme vos actions en libre-service a été remplacé le { $at } par { $phone }. Pendant les 24 prochaines heures, les codes par SMS ne comptent pas comme second facteur.

    Si ce n'est pas vous, connectez-vous, changez votre mot de passe et prévenez tout de suite votre prestataire informatique.
phone-removed-body =
    Bonjour { $name },

    Le numéro de téléphone qui confirme vos actions en libre-service a été supprimé le { $at }.

    Si ce n'est pas vous, connectez-vous, changez votre mot de passe et prévenez tout de suite votre prestataire informatique.
invitation-subject = { $inviter } vous invite à rejoindre le portail pour { $company }
invitation-body =
    Bonjour { $name },

    { $inviter } vous invite à rejoindre le portail d'assistance pour { $company }.

    Choisissez votre mot de passe ici pour activer votre accès : { $url }

    Le lien ne fonctionne qu'une seule fois, et jusqu'au { $expires }. S'il a expiré, demandez à { $inviter } de vous inviter à nouveau. Si vous n'attendiez pas cette invitation, ignorez ce message.
password-reset-subject = Réinitialisation de votre mot de passe du portail
password-reset-body =
    Bonjour { $name },

    Quelqu'un, sans doute vous, a demandé à réinitialiser le mot de passe de votre compte du portail. Choisissez un nouveau mot de passe ici : { $url }

    Le lien ne fonctionne qu'une seule fois, pendant { $minutes } minutes. Votre second facteur vous sera toujours demandé à la prochaine connexion.

    Si ce n'était pas vous, ignorez ce message : votre mot de passe reste inchangé.
email-confirmation-subject = Confirmez votre nouvelle adresse e-mail
email-confirmation-body =
    Bonjour { $name },

    Merci de confirmer cette adresse pour votre compte du portail en ouvrant ce lien : { $url }

    Le lien ne fonctionne qu'une seule fois, pendant { $hours } heures. Si vous n'avez rien demandé, ignorez ce message : rien ne change sans confirmation.
account-password-changed-subject = Votre mot de passe du portail a été changé
account-password-changed-body =
    Bonjour { $name },

    Le mot de passe de votre compte du portail a été changé le { $at }.

    Si ce n'est pas vous, prévenez tout de suite votre prestataire informatique : quelqu'un d'autre a peut-être accès à votre compte.
account-two-factor-reset-subject = Le second facteur de votre compte du portail a été réinitialisé
account-two-factor-reset-body =
    Bonjour { $name },

    Le second facteur de votre compte du portail a été réinitialisé le { $at }. À votre prochaine connexion, il vous sera demandé de le configurer à nouveau.

    Si vous ne vous y attendiez pas, prévenez tout de suite votre prestataire informatique.
account-disabled-subject = Votre compte du portail a été désactivé
account-disabled-body =
    Bonjour { $name },

    Votre compte du portail a été désactivé le { $at } : vous ne pouvez plus vous connecter.

    Si vous ne vous y attendiez pas, contactez votre prestataire informatique.
account-enabled-subject = Votre compte du portail a été réactivé
account-enabled-body =
    Bonjour { $name },

    Votre compte du portail a été réactivé le { $at } : vous pouvez de nouveau vous connecter.

    Si vous ne vous y attendiez pas, prévenez tout de suite votre prestataire informatique.
account-email-changed-subject = L'adresse de connexion de votre compte du portail a changé
account-email-changed-body =
    Bonjour { $name },

    L'adresse avec laquelle vous vous connectez au portail a été remplacée le { $at } par { $new_email }.

    Si ce n'est pas vous, prévenez tout de suite votre prestataire informatique : quelqu'un d'autre a peut-être accès à votre compte.
role-change-requested-subject = Demande de rôles en attente de votre décision : { $requester }
role-change-requested-body =
    Bonjour { $name },

    { $requester } demande d'autres rôles sur le portail pour { $company }.

    Rôles demandés : { $roles }
    Motif : { $reason }

    Décider ici : { $url }
role-change-decided-subject = Votre demande de rôles pour { $company } a été { $outcome }
role-change-decided-body =
    Bonjour { $name },

    Votre demande de rôles pour { $company } a été { $outcome } par { $decider }.

    Rôles demandés : { $roles }
    Commentaire : { $comment }
role-change-granted = accordée
role-change-refused = refusée
portal-ticket-subject = [#{ $number }] Nouveau ticket de { $company } : { $title }
portal-ticket-body =
    Bonjour { $name },

    { $requester } ({ $company }) a ouvert le ticket n° { $number } « { $title } » dans le portail :

    { $description }

    Le ticket : { $ticket_url }
customer-note-subject = [#{ $number }] Réponse du client : { $title }
customer-note-body =
    Bonjour { $name },

    { $author } a écrit sur le ticket n° { $number } « { $title } » :

    { $note }

    Le ticket : { $ticket_url }
customer-attachment-subject = [#{ $number }] Nouvelle pièce jointe du client : { $title }
customer-attachment-body =
    Bonjour { $name },

    { $author } a joint « { $file_name } » au ticket n° { $number } « { $title } ».

    Le ticket : { $ticket_url }
ticket-reopened-subject = [#{ $number }] Rouvert par le client : { $title }
ticket-reopened-body =
    Bonjour { $name },

    { $by } a rouvert le ticket n° { $number } « { $title } ».

    Le ticket : { $ticket_url }
ticket-confirmed-subject = [#{ $number }] Nous avons reçu votre ticket : { $title }
ticket-confirmed-body =
    Bonjour { $name },

    Merci : nous avons reçu votre ticket n° { $number } « { $title } » et allons nous en occuper. Répondez dans le portail pour le compléter.

    Le ticket : { $ticket_url }
ticket-updates-subject = [#{ $number }] { $count } mises à jour : { $title }
ticket-updates-intro = { $count } mises à jour du ticket n° { $number } « { $title } » :
change-decided-subject = Demande de changement { $outcome } : { $title }
change-decided-body =
    Bonjour { $name },

    La demande de changement « { $title } » pour { $company } a été { $outcome } par { $decider }.

    Commentaire : { $comment }

    La demande : { $url }
change-decided-approved = approuvée
change-decided-rejected = refusée
ticket-resolved-subject = [#{ $number }] Votre ticket a été { $outcome } : { $title }
ticket-resolved-body =
    Bonjour { $name },

    Votre ticket n° { $number } « { $title } » a été { $outcome }.

    { $due_line }Si quelque chose ne va toujours pas, répondez dans le portail.

    Le ticket : { $ticket_url }
ticket-resolved-resolved = résolu
ticket-resolved-closed = fermé
ticket-resolved-due-line = Échéance : { $due }
webhook-disabled-subject = Un webhook a été désactivé
webhook-disabled-body =
    Bonjour,

    Le webhook vers { $url } ({ $description }) a été désactivé : toutes les livraisons ont échoué depuis le { $since }. Dernière erreur : { $error }

    Aucun événement n'est envoyé tant qu'il est désactivé ; les livraisons en attente reprennent quand vous le réactivez.
entitlement-expiring-subject = { $company } : { $kind } « { $product } » se termine le { $expires_on }
entitlement-expiring-body =
    Bonjour { $name },

    Pour { $company }, { $kind } « { $product } » se termine le { $expires_on }.

    Appareil : { $asset }

    Demandez à votre prestataire s'il faut la renouveler.
entitlement-warranty = la garantie
entitlement-licence = la licence
