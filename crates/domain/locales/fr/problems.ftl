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
problem-body-unreadable-detail = Le corps n'a pas pu être lu : { $reason }
problem-pdf-too-large-detail = Un PDF peut occuper au plus { $limit } octets.
problem-json-media-type-detail = Envoyez le corps en application/json.
problem-json-syntax-detail = Le corps n'est pas du JSON valide : { $reason }
problem-pdf-media-type-detail = Envoyez le PDF comme corps, avec Content-Type: application/pdf.
problem-confirmation-media-type-detail = Envoyez la confirmation en application/json ou en application/x-www-form-urlencoded.
detail-about = { $subject } : { $detail }
detail-row = ligne { $id }
detail-device = appareil { $guid }

unauthorized-missing-token = Envoyez un jeton d'accès dans Authorization: Bearer <jeton>.
unauthorized-invalid-token = Le jeton d'accès est invalide ou a expiré.
unauthorized-revoked-token = Le jeton n'est plus valide. Reconnectez-vous.
unauthorized-account-disabled = Ce compte est désactivé.
unauthorized-wrong-credentials = L'adresse e-mail ou le mot de passe est incorrect.
unauthorized-wrong-code = Le code est incorrect ou a déjà été utilisé.
unauthorized-refresh-token = Le jeton de rafraîchissement est invalide. Reconnectez-vous.
unauthorized-mfa-token = Le jeton MFA est invalide ou a expiré. Reconnectez-vous.
unauthorized-sign-in-expired = La connexion a expiré. Reconnectez-vous.
unauthorized-set-password-token = Le jeton de définition du mot de passe est invalide, déjà utilisé ou expiré.
unauthorized-confirmation-link = Le lien de confirmation est invalide, déjà utilisé ou expiré.
unauthorized-agent-link = Le lien de l'agent n'est pas valide.
unauthorized-agent-code = Le code est invalide, expiré ou déjà utilisé.
unauthorized-agent-session = La session de l'agent n'est plus valide. Ouvrez à nouveau le lien.
unauthorized-registration-token = Le jeton d'inscription est invalide ou a expiré. Ouvrez à nouveau le lien.
unauthorized-rmm-sync-credential = Envoyez l'identifiant de synchronisation de l'intégration dans Authorization: Bearer cdr_...
unauthorized-psa-sync-credential = Envoyez l'identifiant de synchronisation de l'intégration PSA dans Authorization: Bearer cdp_...
unauthorized-metrics-token = Envoyez le jeton des métriques comme jeton Bearer.
unauthorized-callback-signature = Le rappel n'est pas signé par l'intégration.
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

# Les refus de serde, avec les noms et valeurs qu'il donne en arguments ; le message d'un analyseur
# de forme inconnue est l'argument de `field-unreadable`.
field-missing = champ manquant `{ $field }`
field-duplicate = champ en double `{ $field }`
field-unknown-variant = variante inconnue `{ $value }`, attendu : { $expected }
field-unknown-variant-none = variante inconnue `{ $value }`, aucune variante n'existe
field-invalid-value-expected = valeur invalide : { $found }, attendu : { $expected }
field-invalid-length = longueur invalide { $found }, attendu : { $expected }
field-null-keeps-value = type invalide : null ; omettez le champ pour conserver sa valeur
field-unreadable = valeur illisible : { $reason }

## Règles du domaine : le détail d'une erreur de champ (422) quand une saisie enfreint une règle.

# Communes à plusieurs saisies.
rule-not-empty = ne doit pas être vide
rule-max-chars = doit compter au plus { $max } caractères
rule-min-chars = doit compter au moins { $min } caractères
rule-chars-between = doit compter de { $min } à { $max } caractères
rule-no-control-chars = ne doit pas contenir de caractères de contrôle
rule-no-control-chars-but-breaks = ne doit pas contenir de caractères de contrôle autres que des sauts de ligne et des tabulations
rule-one-line = doit tenir sur une ligne, sans caractères de contrôle
rule-no-nul = ne doit pas contenir le caractère NUL
rule-not-negative = ne doit pas être négatif
rule-from-to = doit être compris entre { $min } et { $max }
rule-not-before = ne doit pas être antérieur à { $other }
rule-one-of = doit être l'une des valeurs suivantes : { $values }
rule-either = doit être { $first } ou { $second }
rule-date = doit être une date au format AAAA-MM-JJ
rule-year-range = doit se situer entre les années 1970 et 9999
rule-tags-at-most = au plus { $max } mots-clés
rule-plain-text = doit compter de 1 à { $max } caractères, sans caractères de contrôle
rule-out-of-range = est hors des limites
rule-after = doit être postérieur à { $other }
rule-together = { $first } et { $second } vont ensemble
rule-date-yyyy-mm-dd = doit être une date AAAA-MM-JJ
rule-month-yyyy-mm = doit être un mois AAAA-MM
rule-time-of-day = doit être une heure HH:MM de 00:00 à 24:00
rule-status-unknown = statut inconnu
rule-status-unknown-named = statut inconnu { $status }
rule-given-by-path = est donné ici par le chemin
rule-company-in-path = l'entreprise est celle du chemin
rule-company-unknown = n'est pas une entreprise de ce locataire
rule-company-id-unknown = { $id } n'est pas une entreprise de ce locataire
rule-company-named-unknown = l'entreprise { $id } n'est pas une entreprise de ce locataire
rule-user-unknown = n'est pas un utilisateur de ce locataire
rule-code-not-sent = n'est pas le code que nous avons envoyé

# Paramètres de requête et en-têtes.
rule-cursor = n'est pas un curseur fourni par cette API
rule-cursor-sort = n'est pas un curseur fourni par cette API pour ce tri
rule-search-prefix = un préfixe ({ $prefix }*) demande au moins { $min } lettres ou chiffres
rule-search-word = doit contenir un mot ou un nombre
rule-idempotency-key = doit compter de 1 à 255 caractères ASCII visibles
rule-idempotency-key-reused = a déjà servi pour une autre requête ; utilisez une nouvelle clé

# Connexions, adresses et mots de passe.
rule-email = doit être une adresse e-mail telle que nom@example.com
rule-email-other-company-domain = cette adresse appartient au domaine de messagerie d'une autre entreprise
rule-email-not-company-domain = doit être une adresse de l'un des domaines de messagerie de l'entreprise
rule-memberships-no-domain = indiquez une entreprise : l'adresse n'appartient au domaine de messagerie enregistré d'aucune entreprise
rule-domain = doit être un nom de domaine tel que contoso.example
rule-phone = doit être un numéro de téléphone tel que +41 44 123 45 67
rule-password-common = fait partie des mots de passe divulgués les plus courants ; choisissez-en un autre
rule-password-is-email = ne doit pas être votre adresse e-mail
rule-role-unknown = rôle inconnu { $role } ; les rôles sont portal_user, portal_user_plus, customer_approver, change_manager, controller, portal_admin, vault_reader, vault_editor
rule-roles-empty = au moins un rôle est requis
rule-portal-admin-provider-only = seul le prestataire attribue le rôle portal_admin dans ce locataire
rule-portal-admin-not-by-customer = un client ne peut pas attribuer le rôle portal_admin dans ce locataire
rule-totp-enrolment-code = ne correspond pas au nouveau secret ; vérifiez l'horloge de l'application et essayez le code suivant
rule-code-or-recovery-code = envoyez soit code, soit recovery_code
rule-code-or-sms-code = indiquez exactement un seul de code et sms_code
rule-phone-by-endpoint = modifiez ou supprimez votre téléphone avec PUT ou DELETE /api/v1/me/phone (votre second facteur y est demandé)
rule-roles-unchanged = sont déjà vos rôles
rule-reason-required = doit indiquer pourquoi
rule-notice-kind = n'est pas un type d'e-mail qui vous est destiné
rule-company-member = doit être membre de l'entreprise
rule-company-cycle = ferait de l'entreprise sa propre ascendante
rule-company-depth = la chaîne des entreprises parentes est trop profonde

# Paramètres, calendriers et SMS.
rule-time-zone = doit être un fuseau horaire IANA tel que Europe/Zurich
rule-request-types-at-most = au plus { $max } types de demande
rule-hours-interval = chaque plage commence avant de finir, dans la journée
rule-hours-overlap = les plages d'une même journée ne doivent pas se chevaucher
rule-hours-empty-week = un calendrier est ouvert au moins une heure par semaine
rule-sla-targets = les objectifs vont de 1 à { $max } minutes
rule-sla-pause-closed = résolu et fermé arrêtent le décompte ; ils ne peuvent pas le suspendre
rule-calling-codes-at-most = contient au plus { $max } préfixes
rule-calling-code = { $value } n'est pas un préfixe tel que +41
rule-sms-country = les SMS ne peuvent pas être envoyés vers ce pays : indiquez un numéro avec un indicatif autorisé par votre prestataire
rule-holidays-at-most = au plus { $max } jours fériés
rule-intervals-at-most = au plus { $max } plages par jour
rule-calendar-unknown = ce calendrier n'existe pas
rule-plan-unknown = ce plan n'existe pas
rule-field-key = doit compter de 1 à 40 lettres minuscules, chiffres ou _, et commencer par une lettre
rule-select-options = un champ de sélection demande de 1 à 100 options
rule-options-select-only = seuls les champs de sélection ont des options
rule-options-plain-text = chaque option doit compter de 1 à { $max } caractères, sans caractères de contrôle

# Tickets.
rule-requester-required-for-staff = est obligatoire pour le personnel
rule-queue-inactive = n'est pas une file active
rule-request-type-not-allowed = n'est pas un type de demande que cette entreprise peut utiliser
rule-not-company-user = doit être un utilisateur du portail de l'entreprise du ticket
rule-assignee-not-staff = n'est pas un membre du personnel de ce locataire
rule-assignee-not-active-staff = n'est pas un membre actif du personnel de ce locataire
rule-input-not-allowed = vos rôles ne vous permettent pas de le définir
rule-input-not-editable = n'est pas modifiable par les clients
rule-input-staff-only = est défini uniquement par le prestataire
rule-internal-note-staff-only = seul le personnel ajoute des notes internes
rule-custom-values-at-most = au plus { $max } valeurs
rule-custom-field-unknown = { $key } : ce champ n'existe pas
rule-custom-field-required = { $key } : est obligatoire
rule-custom-field-expected-value = { $key } : une valeur est attendue (le champ est obligatoire)
rule-custom-field-expected-text = { $key } : un texte d'au plus { $max } caractères est attendu
rule-custom-field-expected-number = { $key } : un nombre est attendu
rule-custom-field-expected-boolean = { $key } : true ou false est attendu
rule-custom-field-expected-date = { $key } : une date au format AAAA-MM-JJ est attendue
rule-custom-field-expected-option = { $key } : l'une des valeurs suivantes est attendue : { $options }
rule-field-visibility-staff = { $field } est défini uniquement par le personnel : read_only ou hidden
rule-field-hidden-filter = { $field } n'est pas affiché aux clients : les tickets ne peuvent donc pas être filtrés ni triés selon ce champ
rule-comment-required-to-reject = est obligatoire pour refuser : indiquez pourquoi
rule-ticket-sort = doit être created, updated ou priority, éventuellement précédé de -
rule-staff-filters = assignee_id, queue_id et company_id ne filtrent que les listes du personnel
rule-planned-start = doit se situer entre aujourd'hui et dans dix ans
rule-iso-currency = doit être un code ISO 4217 tel que EUR ou USD
rule-deadline = doit être dans le futur, au plus dans un an

# Pièces jointes.
rule-content-type = le type de contenu { $type } n'est pas accepté ; envoyez l'un des types suivants : { $accepted }
rule-content-mismatch = le contenu ne correspond pas au type { $type }
rule-content-binary = le contenu ne correspond pas au type { $type } (données binaires)

# Base de connaissances.
rule-kb-audience-companies = doit désigner de 1 à 100 entreprises
rule-kb-audience-kind = doit être all_companies, companies, territory, classification ou internal
rule-kb-tag = chaque mot-clé compte de 1 à { $max } lettres, chiffres ou - _ . + # (reçu : { $value })
rule-kb-category-cycle = ferait de la catégorie son propre ancêtre
rule-kb-category-depth = les catégories s'imbriquent sur au plus { $max } niveaux
rule-kb-category-unknown = n'est pas une catégorie de ce locataire
rule-kb-search-no-word = doit contenir au moins un mot à rechercher

# Appareils, inventaire, garanties et licences.
rule-addresses-at-most = doit contenir au plus { $max } adresses
rule-disks-at-most = doit contenir au plus { $max } disques
rule-disk-sizes = les tailles doivent être positives, avec free_bytes au plus égal à size_bytes
rule-warranty-device = une garantie couvre un appareil : indiquez-le
rule-seats-licence-only = seule une licence a des postes
rule-devices-count = doit contenir de 1 à { $max } appareils
rule-entries-at-most = doit contenir au plus { $max } entrées
rule-device-own = est celui de l'appareil : omettez-le
rule-device-user = l'utilisateur de l'appareil doit être un utilisateur du portail de l'entreprise de l'appareil
rule-device-portal-user = doit être un utilisateur du portail de l'entreprise de l'appareil
rule-device-not-of-company = n'est pas un appareil de cette entreprise
rule-entry-stays-with-company = une entrée reste dans son entreprise

# Libre-service.
rule-software-not-in-catalogue = ne figure pas dans le catalogue
rule-software-linux = aucun logiciel ne peut être installé sur les ordinateurs Linux
rule-software-required = est obligatoire pour installer un logiciel
rule-software-install-only = ne s'utilise qu'avec install_software
rule-software-not-offered = n'est pas proposé sur cet ordinateur
rule-package-id = doit être un identifiant de paquet (lettres, chiffres, . - _ @ / +)
rule-homebrew-formula-or-cask = indiquez une formule Homebrew ou un cask, pas les deux
rule-package-required = indiquez un identifiant Chocolatey, une formule Homebrew ou un cask

# Coffre-fort.
rule-vault-url = doit être une adresse avec un schéma (https://...)
rule-vault-tag = un mot-clé est un seul mot de 1 à 40 caractères
rule-vault-secret-empty = ne doit pas être vide (omettez-le pour conserver l'actuel)
rule-vault-totp-seed = doit être une graine TOTP en base32 de 16 à 103 caractères
rule-title-search = doit tenir en 200 caractères au plus, sur une ligne

# Contrats, projets et factures.
rule-hours = doit être compris entre 0 et 100 000 heures, avec au plus deux décimales
rule-month = doit être un mois au format AAAA-MM
rule-note-body = doit compter de 1 à 10 000 caractères
rule-currency = doit être un code ISO 4217 de trois lettres majuscules, tel que CHF
rule-minor-units = doit être compris entre 0 et { $max } unités mineures
rule-invoice-total = doit être égal à net_minor + tax_minor
rule-invoice-paid = ne doit pas dépasser total_minor
rule-payment-url = doit être une URL https:// avec un hôte, d'au plus 2000 caractères
rule-quantity = doit être un nombre de 0 à 1 000 000 000, avec au plus trois décimales
rule-contract-hours = un bloc d'heures a des heures, pas de devise ni de montants
rule-contract-retainer = un forfait a une devise et des montants, pas d'heures
rule-contract-other-company = est un contrat d'une autre entreprise
rule-contract-unknown = n'est pas un contrat de ce locataire
rule-contract-by-psa-id = désignez le contrat par contract_psa_id
rule-lines-at-most = au plus { $max } lignes
rule-phases-at-most = au plus { $phases } phases de { $tasks } tâches
rule-team-at-most = au plus { $max } membres
rule-currency-with-charges = est obligatoire avec des frais
rule-team-no-email = aucun membre de l'équipe n'a d'adresse e-mail
rule-rows-count = doit contenir de 1 à { $max } lignes
rule-sync-batch-size = envoyez de 1 à { $max } lignes, mises à jour et suppressions comprises
rule-sync-named-twice = nommée plus d'une fois dans ce lot

# Webhooks.
rule-event-types-empty = doit désigner au moins un type d'événement
rule-event-types-at-most = doit énumérer au plus { $max } types
rule-url-unparsable = n'est pas une URL : { $reason }
rule-url-https = doit être une URL https://
rule-url-credentials = ne doit contenir ni nom d'utilisateur ni mot de passe
rule-url-host = doit nommer un hôte
rule-url-private = pointe vers une adresse privée, de bouclage ou link-local ; le locataire ne les autorise pas (allow_private_targets)
rule-url-https-or-private = doit être une URL https:// (http:// seulement pour une adresse privée autorisée)
rule-url-unresolved = nomme un hôte qui ne se résout pas ({ $host })

## Refus d'autorisation (403) des politiques du domaine.
denied-staff-only = seul le personnel du prestataire peut faire cela
denied-provider-admin-only = seul un administrateur du prestataire peut faire cela
denied-read-only-token = ce jeton d'API est en lecture seule
denied-agent-session = cette session a été ouverte depuis le menu de l'agent de votre ordinateur ; connectez-vous avec votre mot de passe pour faire cela
denied-token-manages-tokens = un jeton d'API ne peut pas gérer les jetons d'API
denied-second-factor-first = connectez-vous d'abord avec votre mot de passe et un code d'authentification
denied-roles = vos rôles dans cette entreprise ne le permettent pas
denied-roles-system-info = vos rôles dans cette entreprise n'incluent pas les informations système
denied-roles-kb = vos rôles dans cette entreprise n'incluent pas la base de connaissances
denied-roles-projects = vos rôles dans cette entreprise n'incluent pas les projets
denied-roles-invoices = vos rôles dans cette entreprise n'incluent pas les factures
denied-roles-tickets = Vos rôles dans cette entreprise n'incluent pas les tickets.
denied-roles-open-tickets = Vos rôles dans cette entreprise ne permettent pas d'ouvrir des tickets.
denied-ticket-read-only = Vos rôles vous permettent de lire ce ticket, pas de le modifier.
denied-ticketing-off = Les tickets sont désactivés pour cette entreprise.
denied-reopen = Le prestataire ne permet pas de rouvrir les tickets.
denied-kb-off = la base de connaissances est désactivée pour cette entreprise
denied-self-service-off = Les actions en libre-service sont désactivées pour votre entreprise.
denied-token-phones = Un jeton d'API ne peut pas gérer les téléphones ni prouver un second facteur.
denied-no-session = Ce jeton d'accès ne désigne aucune session de connexion : reconnectez-vous.
denied-vault-read = la lecture du coffre-fort nécessite le rôle vault_reader ou vault_editor
denied-vault-write = la modification du coffre-fort nécessite le rôle vault_editor
denied-vault-reveals = seul l'administrateur du portail de l'entreprise consulte l'historique des affichages du coffre-fort
denied-vault-reveal-factor = afficher un secret nécessite un second facteur : configurez d'abord une application d'authentification ou un téléphone vérifié
denied-vault-document-own-company = un éditeur du coffre n'écrit des documents que pour sa propre société (audience : companies, nommant cette seule société) ; les audiences plus larges relèvent du prestataire
denied-vault-document-not-own = ce document n'appartient pas à votre société : seul le prestataire le modifie
denied-step-up-use-app = vous avez une application d'authentification : prouvez votre second facteur avec son code
denied-step-up-phone-changed = les codes par SMS sont de nouveau acceptés 24 heures après un changement de téléphone
denied-step-up-no-app = aucune application d'authentification n'est configurée
denied-step-up-no-phone = enregistrez et vérifiez d'abord un téléphone
denied-step-up-app-first = prouvez d'abord votre code d'authentification (POST /api/v1/me/step-up) ; il reste valable 5 minutes
denied-step-up-sms-first = prouvez d'abord un code envoyé à votre téléphone actuel (POST /api/v1/me/step-up) ; il reste valable 5 minutes
denied-step-up-first = prouvez d'abord un second facteur (POST /api/v1/me/step-up) ; il reste valable 5 minutes
denied-logins-portal-admin = la gestion des accès de cette entreprise nécessite le rôle d'administrateur du portail
denied-own-login = vous ne pouvez pas modifier votre propre accès ni vos propres rôles
denied-role-change-decider = les changements de rôle sont décidés par un approbateur client ou un administrateur du portail
denied-own-role-change = vous ne pouvez pas décider de votre propre changement de rôle

## Refus (403) écrits par l'API elle-même.
forbidden-wrong-code = Le code est incorrect, a expiré ou a déjà été utilisé.
forbidden-withdraw-not-requester = Seul le demandeur peut retirer une demande.
forbidden-requester-validates = Le demandeur d'un ticket ne peut pas le valider.
forbidden-not-approver = Vous n'êtes plus approbateur de cette entreprise.
forbidden-token-password = Un jeton d'API ne peut pas changer le mot de passe.
forbidden-wrong-password = Le mot de passe actuel est incorrect.
forbidden-token-second-factor = Un jeton d'API ne peut pas changer le second facteur.
forbidden-send-current-code = Envoyez un code actuel de votre application d'authentification.
forbidden-two-factor-required = Votre entreprise exige la connexion à deux facteurs.
forbidden-sign-in-log = Le journal des connexions est réservé aux administrateurs du portail de l'entreprise.
forbidden-staff-directory = Le prestataire ne communique pas la liste de son personnel aux clients.
forbidden-roles-changes = Vos rôles dans cette entreprise n'incluent pas l'approbation des changements.
forbidden-staff-role-request = Le personnel n'a pas de rôle dans une entreprise : un administrateur du prestataire définit les rôles directement.
forbidden-role-request-decider = Les changements de rôle sont décidés par les approbateurs clients et les administrateurs du portail de l'entreprise.
forbidden-staff-validates = Les validations sont décidées par les approbateurs du client, pas par le personnel.
forbidden-roles-validations = Vos rôles dans cette entreprise n'incluent pas la validation des tickets.

## Conflits (409) avec l'état actuel.
conflict-idempotency-in-progress = Une requête avec cette clé Idempotency-Key est encore en cours de traitement.
conflict-company-name = Une entreprise de ce nom existe déjà.
conflict-company-domain = Une entreprise de ce locataire a déjà ce domaine.
conflict-domain-registered = Le domaine { $domain } est enregistré pour { $company } (entreprise { $company_id }).
conflict-entry-synced = Cette entrée est synchronisée depuis le RMM avec son appareil : modifiez-la là-bas.
conflict-enrolment-not-started = Commencez d'abord l'enrôlement.
conflict-no-second-factor = Aucun second facteur n'est configuré.
conflict-email-taken = Un autre utilisateur de ce locataire a déjà cette adresse e-mail.
conflict-user-exists = Un utilisateur avec cette adresse e-mail existe déjà.
conflict-user-email-exists = Un utilisateur avec cette adresse e-mail existe.
conflict-user-disabled = L'utilisateur est désactivé : réactivez-le d'abord.
conflict-last-portal-admin = l'entreprise se retrouverait sans administrateur du portail
conflict-psa-id-record = Un autre enregistrement a déjà ce psa_id.
conflict-psa-id-project = Un autre projet a déjà ce psa_id.
conflict-psa-id-invoice = Une autre facture a déjà ce psa_id.
conflict-name-taken = Ce nom est déjà utilisé.
conflict-name-or-key-taken = Ce nom ou cette clé est déjà utilisé.
conflict-calendar-in-use = Suppression impossible : le calendrier est utilisé par un contrat de niveau de service.
conflict-plan-in-use = Suppression impossible : le contrat de niveau de service est attribué à une entreprise.
conflict-category-name = Une catégorie de ce nom existe déjà à cet endroit.
conflict-category-not-empty = La catégorie contient { $children } sous-catégories et { $articles } articles ; déplacez-les ou supprimez-les d'abord.
conflict-step-up-no-app = Aucune application d'authentification n'est configurée.
conflict-step-up-no-phone = Enregistrez et vérifiez d'abord un téléphone.
conflict-phone-first = Enregistrez et vérifiez d'abord un téléphone (PUT /api/v1/me/phone).
conflict-no-valid-code = Aucun code valide : demandez-en un nouveau.
conflict-no-valid-code-register = Aucun code valide : inscrivez-vous de nouveau pour en recevoir un autre.
conflict-api-tokens-limit = Vous détenez { $max } jetons d'API actifs, le maximum autorisé ; révoquez-en un d'abord.
conflict-device-has-user = Cet ordinateur a déjà un utilisateur du portail.
conflict-registration-done = Cette inscription a déjà été terminée.
conflict-sign-in-to-continue = Connectez-vous avec votre mot de passe et votre code pour continuer.
conflict-agent-user-exists = Un utilisateur du portail avec cette adresse e-mail existe déjà. Demandez à votre prestataire de lui associer cet ordinateur.
conflict-agent-code-other-contact = Un code a été envoyé à un autre contact pour cet ordinateur ; confirmez-le ou attendez qu'il expire.
conflict-role-request-settled = La demande a déjà été tranchée ou retirée.
conflict-role-request-pending = Une demande de changement de rôle de votre part est en attente dans cette entreprise : retirez-la pour demander d'autres rôles.
conflict-requester-left = Le demandeur n'est plus membre de l'entreprise.
conflict-ticket-billed = Ce ticket a été facturé et ne peut plus être modifié.
conflict-ticket-not-closed = Le ticket n'est pas fermé.
conflict-ticket-busy = Le ticket est en cours de modification par d'autres personnes ; réessayez.
conflict-validation-settled = Cette validation a déjà été tranchée ou annulée.
conflict-validation-decided = Vous vous êtes déjà prononcé sur cette validation.
conflict-validation-expired = L'échéance de cette validation est dépassée ; elle a expiré sans décision.
conflict-validation-pending = Le ticket attend déjà une validation ; annulez-la d'abord.
conflict-validation-not-pending = Seule une validation en attente peut être annulée.
conflict-validation-ticket-closed = Le ticket est fermé ; rouvrez-le avant de demander une validation.
conflict-validation-no-approver = L'entreprise du ticket n'a aucun approbateur (customer_approver ou change_manager) autre que le demandeur.
conflict-validation-status = Cette validation est déjà { $status }.
conflict-link-used = Ce lien a déjà été utilisé.
conflict-link-expired = Ce lien a expiré.
conflict-change-settled = Cette demande de changement a déjà été tranchée ou annulée.
conflict-action-status = L'action est déjà { $status }.
conflict-self-service-not-connected = Le libre-service n'est pas encore connecté au RMM.
conflict-reset-password-phone = La réinitialisation du mot de passe nécessite le téléphone vérifié de l'utilisateur.
conflict-delivery-pending = Cette livraison est encore en attente : elle est déjà en cours d'envoi.
conflict-outbox-not-dead = Seul un message à l'état dead peut être renvoyé ; celui-ci est à l'état { $status }.
conflict-outbox-secret-wiped = Ce message contenait un secret effacé quand il est passé à l'état dead : il ne peut donc pas être renvoyé ; relancez plutôt ce qui l'a envoyé.

## Téléversements (pièces jointes des tickets et des articles) et coffre-fort.
problem-uploads-busy-detail = Trop de téléversements sont en cours. Réessayez dans un instant.
problem-vault-unavailable-detail = Le coffre-fort de documentation est désactivé : ce serveur a été démarré sans clé maîtresse (CLIENTDESK_MASTER_KEY). Tout le reste est servi.
upload-media-type = Envoyez les fichiers en multipart/form-data.
upload-unreadable = Le corps multipart est illisible : { $reason }
upload-too-many-files = au plus { $max } fichiers par téléversement
upload-file-empty = { $file } est vide
upload-file-too-large = { $file } dépasse la limite de { $limit } octets par fichier.
upload-ticket-limit = Les pièces jointes du ticket dépasseraient leur limite totale.
upload-article-limit = Les pièces jointes de l'article dépasseraient leur limite totale.
upload-note-id = doit être un identifiant de note
upload-note-not-of-ticket = n'est pas une note de ce ticket
upload-unknown-part = partie inconnue ; envoyez des parties `file` et un `note_id` facultatif
upload-no-file = envoyez au moins une partie `file`, de type { $accepted }
upload-no-note = ces pièces jointes n'appartiennent à aucune note
upload-project-limit = Les pièces jointes du projet dépasseraient leur limite totale.
upload-document-limit = Les pièces jointes du document dépasseraient leur limite totale.
