# Documents de problème (RFC 9457) : un titre par code de problème, les détails écrits par l'API
# et les détails des erreurs de champ. `type`, `code` et les pointeurs ne changent jamais avec la langue.

problem-bad-request-title = Requête incorrecte
problem-unauthorized-title = Authentification requise
problem-forbidden-title = Non autorisé
problem-not-found-title = Introuvable
problem-method-not-allowed-title = Méthode non autorisée
problem-conflict-title = Conflit
problem-precondition-failed-title = Condition préalable non remplie
problem-payload-too-large-title = Contenu trop volumineux
problem-unsupported-media-type-title = Type de média non pris en charge
problem-validation-title = Saisie invalide
problem-too-many-requests-title = Trop de requêtes
problem-unavailable-title = Service indisponible
problem-header-fields-too-large-title = En-têtes de requête trop volumineux
problem-request-timeout-title = Délai de requête dépassé
problem-too-many-connections-title = Trop de connexions
problem-internal-title = Erreur interne
problem-vault-unavailable-title = Coffre indisponible

problem-not-found-detail = La ressource n'existe pas ou ne vous est pas visible.
problem-method-not-allowed-detail = Cette ressource ne répond pas à cette méthode ; voir l'en-tête Allow.
problem-precondition-failed-detail = La ressource a changé depuis que vous l'avez lue (If-Match ne correspond pas).
problem-validation-detail = Un ou plusieurs champs sont invalides.
problem-too-many-requests-detail = Trop de tentatives échouées. Réessayez dans { $seconds ->
        [one] { $seconds } seconde
       *[other] { $seconds } secondes
    }.
problem-unavailable-detail = Le service est momentanément indisponible. Réessayez dans un instant.
problem-header-fields-too-large-detail = La ligne de requête et les en-têtes ne peuvent pas dépasser { $limit } octets.
problem-request-timeout-detail = La requête entière doit arriver en { $seconds ->
        [one] { $seconds } seconde
       *[other] { $seconds } secondes
    }.
problem-too-many-connections-detail = Une adresse client peut ouvrir au plus { $limit } connexions à la fois ; réutilisez ou fermez les autres.
problem-internal-detail = Une erreur s'est produite de notre côté. Elle a été journalisée.
problem-conflict-detail = La modification est en conflit avec l'état actuel de la ressource.
problem-json-too-large-detail = Le corps JSON dépasse la limite de { $limit } octets.
problem-body-too-large-detail = Le corps dépasse la limite de { $limit } octets.
problem-json-media-type-detail = Envoyez le corps en application/json.
problem-json-syntax-detail = Le corps n'est pas du JSON valide : { $reason }

unauthorized-missing-token = Envoyez un jeton d'accès dans Authorization: Bearer <jeton>.
unauthorized-invalid-token = Le jeton d'accès est invalide ou a expiré.
unauthorized-revoked-token = Le jeton n'est plus valide. Reconnectez-vous.
unauthorized-account-disabled = Ce compte est désactivé.
unauthorized-wrong-credentials = L'adresse e-mail ou le mot de passe est incorrect.
unauthorized-wrong-code = Le code est incorrect ou a déjà été utilisé.
unauthorized-refresh-token = Le jeton de rafraîchissement est invalide. Reconnectez-vous.
unauthorized-mfa-token = Le jeton MFA est invalide ou a expiré. Reconnectez-vous.
forbidden-read-only-token = Ce jeton d'API est en lecture seule.
forbidden-agent-session = Cette session a été ouverte depuis le menu de l'agent de votre ordinateur : elle permet d'ouvrir et de suivre vos tickets. Connectez-vous avec votre mot de passe pour faire davantage.
forbidden-portal-disabled = Le portail est désactivé pour toutes les entreprises dont vous faites partie.

field-required = est obligatoire
field-not-an-object = doit être un objet JSON
field-unknown = champ inconnu `{ $field }`, attendu : { $expected }
field-unknown-none = champ inconnu `{ $field }`, aucun champ n'est attendu
field-invalid-type = type invalide : { $found }, attendu : { $expected }
field-length-between = doit compter entre { $min } et { $max } caractères ou éléments
field-length-max = doit compter au plus { $max } caractères ou éléments
field-length-min = doit compter au moins { $min } caractères ou éléments
field-range-between = doit être compris entre { $min } et { $max }
field-range-max = doit être au plus { $max }
field-range-min = doit être au moins { $min }
field-format = n'a pas la forme requise
field-invalid-value = n'est pas une valeur acceptée
