# Documenti di problema (RFC 9457): un titolo per codice di problema, i dettagli scritti dall'API
# e i dettagli degli errori di campo. `type`, `code` e i puntatori non cambiano mai con la lingua.

problem-bad-request-title = Richiesta non valida
problem-unauthorized-title = Autenticazione richiesta
problem-forbidden-title = Non consentito
problem-not-found-title = Non trovato
problem-method-not-allowed-title = Metodo non consentito
problem-conflict-title = Conflitto
problem-precondition-failed-title = Precondizione non soddisfatta
problem-payload-too-large-title = Contenuto troppo grande
problem-unsupported-media-type-title = Tipo di media non supportato
problem-validation-title = Dati non validi
problem-too-many-requests-title = Troppe richieste
problem-unavailable-title = Servizio non disponibile
problem-header-fields-too-large-title = Intestazioni della richiesta troppo grandi
problem-request-timeout-title = Tempo della richiesta scaduto
problem-too-many-connections-title = Troppe connessioni
problem-internal-title = Errore interno
problem-vault-unavailable-title = Cassaforte non disponibile

problem-not-found-detail = La risorsa non esiste o non è visibile per lei.
problem-method-not-allowed-detail = Questa risorsa non risponde a questo metodo; veda l'intestazione Allow.
problem-precondition-failed-detail = La risorsa è cambiata da quando l'ha letta (If-Match non corrisponde).
problem-validation-detail = Uno o più campi non sono validi.
problem-too-many-requests-detail = Troppi tentativi falliti. Riprovi tra { $seconds ->
        [one] { $seconds } secondo
       *[other] { $seconds } secondi
    }.
problem-unavailable-detail = Il servizio è temporaneamente non disponibile. Riprovi tra poco.
problem-header-fields-too-large-detail = La riga di richiesta e le intestazioni possono occupare al massimo { $limit } byte.
problem-request-timeout-detail = L'intera richiesta deve arrivare entro { $seconds ->
        [one] { $seconds } secondo
       *[other] { $seconds } secondi
    }.
problem-too-many-connections-detail = Un indirizzo client può tenere al massimo { $limit } connessioni aperte insieme; riutilizzi o chiuda le altre.
problem-internal-detail = Qualcosa è andato storto da parte nostra. L'errore è stato registrato.
problem-conflict-detail = La modifica è in conflitto con lo stato attuale della risorsa.
problem-json-too-large-detail = Il corpo JSON supera il limite di { $limit } byte.
problem-body-too-large-detail = Il corpo supera il limite di { $limit } byte.
problem-body-unreadable-detail = Non è stato possibile leggere il corpo: { $reason }
problem-pdf-too-large-detail = Un PDF può occupare al massimo { $limit } byte.
problem-json-media-type-detail = Invii il corpo come application/json.
problem-json-syntax-detail = Il corpo non è JSON valido: { $reason }
problem-pdf-media-type-detail = Invii il PDF come corpo, con Content-Type: application/pdf.
problem-confirmation-media-type-detail = Invii la conferma come application/json o application/x-www-form-urlencoded.
detail-about = { $subject }: { $detail }
detail-row = riga { $id }
detail-device = dispositivo { $guid }

unauthorized-missing-token = Invii un token di accesso come Authorization: Bearer <token>.
unauthorized-invalid-token = Il token di accesso non è valido o è scaduto.
unauthorized-revoked-token = Il token non è più valido. Acceda di nuovo.
unauthorized-account-disabled = Questo account è disattivato.
unauthorized-wrong-credentials = L'indirizzo e-mail o la password sono errati.
unauthorized-wrong-code = Il codice è errato o è già stato usato.
unauthorized-refresh-token = Il token di aggiornamento non è valido. Acceda di nuovo.
unauthorized-mfa-token = Il token MFA non è valido o è scaduto. Acceda di nuovo.
unauthorized-sign-in-expired = L'accesso è scaduto. Acceda di nuovo.
unauthorized-set-password-token = Il token per impostare la password non è valido, è già stato usato o è scaduto.
unauthorized-confirmation-link = Il link di conferma non è valido, è già stato usato o è scaduto.
unauthorized-agent-link = Il link dell'agente non è valido.
unauthorized-agent-code = Il codice non è valido, è scaduto o è già stato usato.
unauthorized-agent-session = La sessione dell'agente non è più valida. Apra di nuovo il link.
unauthorized-registration-token = Il token di registrazione non è valido o è scaduto. Apra di nuovo il link.
unauthorized-rmm-sync-credential = Invii la credenziale di sincronizzazione dell'integrazione come Authorization: Bearer cdr_...
unauthorized-psa-sync-credential = Invii la credenziale di sincronizzazione dell'integrazione PSA come Authorization: Bearer cdp_...
unauthorized-metrics-token = Invii il token delle metriche come token Bearer.
unauthorized-callback-signature = Il callback non è firmato dall'integrazione.
forbidden-read-only-token = Questo token API è di sola lettura.
forbidden-agent-session = Questa sessione è stata aperta dal menu dell'agente del suo computer: permette di aprire e seguire i suoi ticket. Acceda con la sua password per fare di più.
forbidden-portal-disabled = Il portale è disattivato per tutte le aziende di cui fa parte.

field-required = è obbligatorio
field-not-an-object = deve essere un oggetto JSON
field-unknown = campo sconosciuto `{ $field }`, previsto: { $expected }
field-unknown-none = campo sconosciuto `{ $field }`, non è previsto alcun campo
field-invalid-type = tipo non valido: { $found }, previsto: { $expected }
field-length-between = deve avere tra { $min } e { $max } caratteri o elementi
field-length-max = deve avere al massimo { $max } caratteri o elementi
field-length-min = deve avere almeno { $min } caratteri o elementi
field-range-between = deve essere compreso tra { $min } e { $max }
field-range-max = deve essere al massimo { $max }
field-range-min = deve essere almeno { $min }
field-format = non ha la forma richiesta
field-invalid-value = non è un valore accettato

# I rifiuti di serde, con i nomi e i valori che indica come argomenti; il messaggio di un parser
# di forma sconosciuta è l'argomento di `field-unreadable`.
field-missing = campo mancante `{ $field }`
field-duplicate = campo duplicato `{ $field }`
field-unknown-variant = variante sconosciuta `{ $value }`, previsto: { $expected }
field-unknown-variant-none = variante sconosciuta `{ $value }`, non esistono varianti
field-invalid-value-expected = valore non valido: { $found }, previsto: { $expected }
field-invalid-length = lunghezza non valida { $found }, previsto: { $expected }
field-null-keeps-value = tipo non valido: null; ometta il campo per mantenerne il valore
field-unreadable = valore non leggibile: { $reason }

## Regole del dominio: il dettaglio di un errore di campo (422) quando un input viola una regola.

# Comuni a molti input.
rule-not-empty = non deve essere vuoto
rule-max-chars = deve avere al massimo { $max } caratteri
rule-min-chars = deve avere almeno { $min } caratteri
rule-chars-between = deve avere da { $min } a { $max } caratteri
rule-no-control-chars = non deve contenere caratteri di controllo
rule-no-control-chars-but-breaks = non deve contenere caratteri di controllo diversi da a capo e tabulazioni
rule-one-line = deve essere una sola riga senza caratteri di controllo
rule-no-nul = non deve contenere il carattere NUL
rule-not-negative = non deve essere negativo
rule-from-to = deve essere compreso tra { $min } e { $max }
rule-not-before = non deve essere precedente a { $other }
rule-one-of = deve essere uno dei seguenti valori: { $values }
rule-either = deve essere { $first } o { $second }
rule-date = deve essere una data nel formato AAAA-MM-GG
rule-year-range = deve essere compreso tra gli anni 1970 e 9999
rule-tags-at-most = al massimo { $max } tag
rule-plain-text = deve avere da 1 a { $max } caratteri, senza caratteri di controllo
rule-out-of-range = è fuori dall'intervallo consentito
rule-after = deve essere successivo a { $other }
rule-together = { $first } e { $second } vanno indicati insieme
rule-date-yyyy-mm-dd = deve essere una data AAAA-MM-GG
rule-month-yyyy-mm = deve essere un mese AAAA-MM
rule-time-of-day = deve essere un orario HH:MM da 00:00 a 24:00
rule-status-unknown = stato sconosciuto
rule-status-unknown-named = stato sconosciuto { $status }
rule-given-by-path = qui è indicato dal percorso
rule-company-in-path = l'azienda è quella del percorso
rule-company-unknown = non è un'azienda di questo tenant
rule-company-id-unknown = { $id } non è un'azienda di questo tenant
rule-company-named-unknown = l'azienda { $id } non è un'azienda di questo tenant
rule-user-unknown = non è un utente di questo tenant
rule-code-not-sent = non è il codice che abbiamo inviato

# Parametri di query e intestazioni.
rule-cursor = non è un cursore fornito da questa API
rule-cursor-sort = non è un cursore fornito da questa API per questo ordinamento
rule-search-prefix = un prefisso ({ $prefix }*) richiede almeno { $min } lettere o cifre
rule-search-word = deve contenere una parola o un numero
rule-idempotency-key = deve avere da 1 a 255 caratteri ASCII visibili
rule-idempotency-key-reused = è già stata usata con un'altra richiesta; usi una nuova chiave

# Accessi, indirizzi e password.
rule-email = deve essere un indirizzo e-mail come nome@example.com
rule-email-other-company-domain = questo indirizzo appartiene al dominio e-mail di un'altra azienda
rule-email-not-company-domain = deve essere un indirizzo di uno dei domini e-mail dell'azienda
rule-memberships-no-domain = indichi un'azienda: l'indirizzo non appartiene al dominio e-mail registrato di nessuna azienda
rule-domain = deve essere un nome di dominio come contoso.example
rule-phone = deve essere un numero di telefono come +41 44 123 45 67
rule-password-common = è una delle password trapelate più comuni; ne scelga un'altra
rule-password-is-email = non deve essere il suo indirizzo e-mail
rule-role-unknown = ruolo sconosciuto { $role }; i ruoli sono portal_user, portal_user_plus, customer_approver, change_manager, controller, portal_admin, vault_reader, vault_editor
rule-roles-empty = è richiesto almeno un ruolo
rule-portal-admin-provider-only = in questo tenant solo il fornitore assegna il ruolo portal_admin
rule-portal-admin-not-by-customer = in questo tenant un cliente non può assegnare il ruolo portal_admin
rule-totp-enrolment-code = non corrisponde al nuovo segreto; controlli l'orologio dell'app e provi il codice successivo
rule-code-or-recovery-code = invii code oppure recovery_code
rule-code-or-sms-code = indichi esattamente uno tra code e sms_code
rule-phone-by-endpoint = modifichi o rimuova il suo telefono con PUT o DELETE /api/v1/me/phone (lì le viene chiesto il secondo fattore)
rule-roles-unchanged = sono già i suoi ruoli
rule-reason-required = deve indicare il motivo
rule-notice-kind = non è un tipo di e-mail a lei destinato
rule-company-member = deve essere membro dell'azienda
rule-company-cycle = renderebbe l'azienda antenata di se stessa
rule-company-depth = la catena delle aziende madri è troppo profonda

# Impostazioni, calendari e SMS.
rule-time-zone = deve essere un fuso orario IANA come Europe/Zurich
rule-request-types-at-most = al massimo { $max } tipi di richiesta
rule-hours-interval = ogni intervallo inizia prima di finire, entro la giornata
rule-hours-overlap = gli intervalli di una giornata non possono sovrapporsi
rule-hours-empty-week = un calendario è aperto almeno un'ora alla settimana
rule-sla-targets = gli obiettivi vanno da 1 a { $max } minuti
rule-sla-pause-closed = risolto e chiuso fermano il conteggio; non possono sospenderlo
rule-calling-codes-at-most = contiene al massimo { $max } prefissi
rule-calling-code = { $value } non è un prefisso come +41
rule-sms-country = gli SMS non possono essere inviati in questo paese: indichi il numero con un prefisso consentito dal suo fornitore
rule-holidays-at-most = al massimo { $max } festività
rule-intervals-at-most = al massimo { $max } intervalli al giorno
rule-calendar-unknown = questo calendario non esiste
rule-plan-unknown = questo piano non esiste
rule-field-key = deve avere da 1 a 40 lettere minuscole, cifre o _, iniziando con una lettera
rule-select-options = un campo di selezione richiede da 1 a 100 opzioni
rule-options-select-only = solo i campi di selezione hanno opzioni
rule-options-plain-text = ogni opzione deve avere da 1 a { $max } caratteri, senza caratteri di controllo

# Ticket.
rule-requester-required-for-staff = è obbligatorio per il personale
rule-queue-inactive = non è una coda attiva
rule-request-type-not-allowed = non è un tipo di richiesta che questa azienda può usare
rule-not-company-user = deve essere un utente del portale dell'azienda del ticket
rule-assignee-not-staff = non è un utente del personale di questo tenant
rule-assignee-not-active-staff = non è un utente attivo del personale di questo tenant
rule-input-not-allowed = i suoi ruoli non consentono di impostarlo
rule-input-not-editable = non è modificabile dai clienti
rule-input-staff-only = è impostato solo dal fornitore di servizi
rule-internal-note-staff-only = solo il personale aggiunge note interne
rule-custom-values-at-most = al massimo { $max } valori
rule-custom-field-unknown = { $key }: questo campo non esiste
rule-custom-field-required = { $key }: è obbligatorio
rule-custom-field-expected-value = { $key }: è previsto un valore (il campo è obbligatorio)
rule-custom-field-expected-text = { $key }: è previsto un testo di al massimo { $max } caratteri
rule-custom-field-expected-number = { $key }: è previsto un numero
rule-custom-field-expected-boolean = { $key }: è previsto true o false
rule-custom-field-expected-date = { $key }: è prevista una data nel formato AAAA-MM-GG
rule-custom-field-expected-option = { $key }: è previsto uno dei valori { $options }
rule-field-visibility-staff = { $field } è impostato solo dal personale: read_only o hidden
rule-field-hidden-filter = { $field } non è mostrato ai clienti, quindi i ticket non possono essere filtrati né ordinati in base a esso
rule-comment-required-to-reject = è obbligatorio per rifiutare: spieghi il motivo
rule-ticket-sort = deve essere created, updated o priority, eventualmente preceduto da -
rule-staff-filters = assignee_id, queue_id e company_id filtrano solo gli elenchi del personale
rule-planned-start = deve essere compreso tra oggi e fra dieci anni
rule-iso-currency = deve essere un codice ISO 4217 come EUR o USD
rule-deadline = deve essere nel futuro, al massimo fra un anno

# Allegati.
rule-content-type = il tipo di contenuto { $type } non è accettato; invii uno dei seguenti: { $accepted }
rule-content-mismatch = il contenuto non corrisponde al tipo { $type }
rule-content-binary = il contenuto non corrisponde al tipo { $type } (dati binari)

# Knowledge base.
rule-kb-audience-companies = deve indicare da 1 a 100 aziende
rule-kb-audience-kind = deve essere all_companies, companies, territory, classification o internal
rule-kb-tag = ogni tag ha da 1 a { $max } lettere, cifre o - _ . + # (ricevuto: { $value })
rule-kb-category-cycle = renderebbe la categoria antenata di se stessa
rule-kb-category-depth = le categorie si annidano al massimo per { $max } livelli
rule-kb-category-unknown = non è una categoria di questo tenant
rule-kb-search-no-word = deve contenere almeno una parola da cercare

# Dispositivi, inventario, garanzie e licenze.
rule-addresses-at-most = deve contenere al massimo { $max } indirizzi
rule-disks-at-most = deve contenere al massimo { $max } dischi
rule-disk-sizes = le dimensioni devono essere positive, con free_bytes non superiore a size_bytes
rule-warranty-device = una garanzia copre un dispositivo: lo indichi
rule-seats-licence-only = solo una licenza ha postazioni
rule-devices-count = deve contenere da 1 a { $max } dispositivi
rule-entries-at-most = deve contenere al massimo { $max } voci
rule-device-own = è quello del dispositivo: lo ometta
rule-device-user = l'utente del dispositivo deve essere un utente del portale dell'azienda del dispositivo
rule-device-portal-user = deve essere un utente del portale dell'azienda del dispositivo
rule-device-not-of-company = non è un dispositivo di questa azienda
rule-entry-stays-with-company = una voce resta nella sua azienda

# Self-service.
rule-software-not-in-catalogue = non è nel catalogo
rule-software-linux = non è possibile installare software sui computer Linux
rule-software-required = è obbligatorio per installare software
rule-software-install-only = si usa solo con install_software
rule-software-not-offered = non è offerto su questo computer
rule-package-id = deve essere un identificativo di pacchetto (lettere, cifre, . - _ @ / +)
rule-homebrew-formula-or-cask = indichi una formula Homebrew o un cask, non entrambi
rule-package-required = indichi un id Chocolatey, una formula Homebrew o un cask

# Cassaforte.
rule-vault-url = deve essere un indirizzo con schema (https://...)
rule-vault-tag = un tag è una sola parola da 1 a 40 caratteri
rule-vault-secret-empty = non deve essere vuoto (lo ometta per mantenere quello attuale)
rule-vault-totp-seed = deve essere un seed TOTP in base32 da 16 a 103 caratteri
rule-title-search = deve avere al massimo 200 caratteri, su una riga

# Contratti, progetti e fatture.
rule-hours = deve essere compreso tra 0 e 100 000 ore, con al massimo due decimali
rule-month = deve essere un mese nel formato AAAA-MM
rule-note-body = deve avere da 1 a 10 000 caratteri
rule-currency = deve essere un codice ISO 4217 di tre lettere maiuscole, come CHF
rule-minor-units = deve essere compreso tra 0 e { $max } unità minori
rule-invoice-total = deve essere net_minor + tax_minor
rule-invoice-paid = non deve superare total_minor
rule-payment-url = deve essere un URL https:// con un host, di al massimo 2000 caratteri
rule-quantity = deve essere un numero da 0 a 1 000 000 000 con al massimo tre decimali
rule-contract-hours = un pacchetto di ore ha ore, non una valuta né importi
rule-contract-retainer = un forfait ha una valuta e degli importi, non ore
rule-contract-other-company = è un contratto di un'altra azienda
rule-contract-unknown = non è un contratto di questo tenant
rule-contract-by-psa-id = indichi il contratto con contract_psa_id
rule-lines-at-most = al massimo { $max } righe
rule-phases-at-most = al massimo { $phases } fasi di { $tasks } attività
rule-team-at-most = al massimo { $max } membri
rule-currency-with-charges = è obbligatorio in presenza di addebiti
rule-team-no-email = nessun membro del team ha un indirizzo e-mail
rule-rows-count = deve contenere da 1 a { $max } righe
rule-sync-batch-size = invii da 1 a { $max } righe, upsert e cancellazioni insieme
rule-sync-named-twice = indicata più di una volta in questo lotto

# Webhook.
rule-event-types-empty = deve indicare almeno un tipo di evento
rule-event-types-at-most = deve elencare al massimo { $max } tipi
rule-url-unparsable = non è un URL: { $reason }
rule-url-https = deve essere un URL https://
rule-url-credentials = non deve contenere nome utente né password
rule-url-host = deve indicare un host
rule-url-private = si risolve in un indirizzo privato, di loopback o link-local; il tenant non li consente (allow_private_targets)
rule-url-https-or-private = deve essere un URL https:// (http:// solo per un indirizzo privato consentito)
rule-url-unresolved = indica un host che non si risolve ({ $host })

## Rifiuti (403) delle regole di accesso del dominio.
denied-staff-only = solo il personale del fornitore può farlo
denied-provider-admin-only = solo un amministratore del fornitore può farlo
denied-read-only-token = questo token API è di sola lettura
denied-agent-session = questa sessione è stata aperta dal menu dell'agente del suo computer; acceda con la sua password per farlo
denied-token-manages-tokens = un token API non può gestire i token API
denied-second-factor-first = acceda prima con la sua password e un codice di autenticazione
denied-roles = i suoi ruoli in questa azienda non lo consentono
denied-roles-system-info = i suoi ruoli in questa azienda non includono le informazioni di sistema
denied-roles-kb = i suoi ruoli in questa azienda non includono la knowledge base
denied-roles-projects = i suoi ruoli in questa azienda non includono i progetti
denied-roles-invoices = i suoi ruoli in questa azienda non includono le fatture
denied-roles-tickets = I suoi ruoli in questa azienda non includono i ticket.
denied-roles-open-tickets = I suoi ruoli in questa azienda non consentono di aprire ticket.
denied-ticket-read-only = I suoi ruoli le consentono di leggere questo ticket, non di modificarlo.
denied-ticketing-off = I ticket sono disattivati per questa azienda.
denied-reopen = Il fornitore non consente di riaprire i ticket.
denied-kb-off = la knowledge base è disattivata per questa azienda
denied-self-service-off = Le azioni self-service sono disattivate per la sua azienda.
denied-token-phones = Un token API non può gestire i telefoni né dimostrare un secondo fattore.
denied-no-session = Questo token di accesso non corrisponde ad alcuna sessione: acceda di nuovo.
denied-vault-read = la lettura della cassaforte richiede il ruolo vault_reader o vault_editor
denied-vault-write = la modifica della cassaforte richiede il ruolo vault_editor
denied-vault-reveals = solo l'amministratore del portale dell'azienda legge il registro delle visualizzazioni della cassaforte
denied-vault-reveal-factor = per mostrare un segreto serve un secondo fattore: configuri prima un'app di autenticazione o un telefono verificato
denied-vault-document-own-company = un editor della cassaforte scrive documenti solo per la propria azienda (destinatari: companies, solo quell'azienda); destinatari più ampi spettano al fornitore
denied-vault-document-not-own = questo documento non è della sua azienda: solo il fornitore lo modifica
denied-step-up-use-app = ha un'app di autenticazione: dimostri il secondo fattore con il suo codice
denied-step-up-phone-changed = i codici via SMS tornano validi 24 ore dopo un cambio di telefono
denied-step-up-no-app = non è configurata alcuna app di autenticazione
denied-step-up-no-phone = registri e verifichi prima un telefono
denied-step-up-app-first = dimostri prima il suo codice di autenticazione (POST /api/v1/me/step-up); vale per 5 minuti
denied-step-up-sms-first = dimostri prima un codice inviato al suo telefono attuale (POST /api/v1/me/step-up); vale per 5 minuti
denied-step-up-first = dimostri prima un secondo fattore (POST /api/v1/me/step-up); vale per 5 minuti
denied-logins-portal-admin = gestire gli accessi di questa azienda richiede il ruolo di amministratore del portale
denied-own-login = non può modificare il suo accesso né i suoi ruoli
denied-role-change-decider = i cambi di ruolo sono decisi da un approvatore del cliente o da un amministratore del portale
denied-own-role-change = non può decidere del suo cambio di ruolo

## Rifiuti (403) scritti dall'API stessa.
forbidden-wrong-code = Il codice è errato, scaduto o già usato.
forbidden-withdraw-not-requester = Solo il richiedente può ritirare una richiesta.
forbidden-requester-validates = Il richiedente di un ticket non può convalidarlo.
forbidden-not-approver = Non è più approvatore di questa azienda.
forbidden-token-password = Un token API non può cambiare la password.
forbidden-wrong-password = La password attuale è errata.
forbidden-token-second-factor = Un token API non può cambiare il secondo fattore.
forbidden-send-current-code = Invii un codice attuale della sua app di autenticazione.
forbidden-two-factor-required = La sua azienda richiede l'accesso a due fattori.
forbidden-sign-in-log = Il registro degli accessi è riservato agli amministratori del portale dell'azienda.
forbidden-staff-directory = Il fornitore non mostra ai clienti l'elenco del proprio personale.
forbidden-roles-changes = I suoi ruoli in questa azienda non includono l'approvazione delle modifiche.
forbidden-staff-role-request = Il personale non ha ruoli in un'azienda: un amministratore del fornitore imposta i ruoli direttamente.
forbidden-role-request-decider = I cambi di ruolo sono decisi dagli approvatori del cliente e dagli amministratori del portale dell'azienda.
forbidden-staff-validates = Le convalide sono decise dagli approvatori del cliente, non dal personale.
forbidden-roles-validations = I suoi ruoli in questa azienda non includono la convalida dei ticket.

## Conflitti (409) con lo stato attuale.
conflict-idempotency-in-progress = Una richiesta con questa Idempotency-Key è ancora in elaborazione.
conflict-company-name = Esiste già un'azienda con questo nome.
conflict-company-domain = Un'azienda di questo tenant ha già questo dominio.
conflict-domain-registered = Il dominio { $domain } è registrato su { $company } (azienda { $company_id }).
conflict-entry-synced = Questa voce è sincronizzata dall'RMM con il suo dispositivo: la modifichi lì.
conflict-enrolment-not-started = Avvii prima la configurazione.
conflict-no-second-factor = Non è configurato alcun secondo fattore.
conflict-email-taken = Un altro utente di questo tenant ha questo indirizzo e-mail.
conflict-user-exists = Esiste già un utente con questo indirizzo e-mail.
conflict-user-email-exists = Esiste un utente con questo indirizzo e-mail.
conflict-user-disabled = L'utente è disattivato: lo riattivi prima.
conflict-last-portal-admin = l'azienda resterebbe senza un amministratore del portale
conflict-psa-id-record = Un altro record ha questo psa_id.
conflict-psa-id-project = Un altro progetto ha questo psa_id.
conflict-psa-id-invoice = Un'altra fattura ha questo psa_id.
conflict-name-taken = Questo nome è già in uso.
conflict-name-or-key-taken = Questo nome o questa chiave è già in uso.
conflict-calendar-in-use = Impossibile eliminare: il calendario è usato da un piano SLA.
conflict-plan-in-use = Impossibile eliminare: il piano SLA è assegnato a un'azienda.
conflict-category-name = Esiste già una categoria con questo nome in questa posizione.
conflict-category-not-empty = La categoria contiene { $children } sottocategorie e { $articles } articoli; li sposti o li elimini prima.
conflict-step-up-no-app = Non è configurata alcuna app di autenticazione.
conflict-step-up-no-phone = Registri e verifichi prima un telefono.
conflict-phone-first = Registri e verifichi prima un telefono (PUT /api/v1/me/phone).
conflict-no-valid-code = Nessun codice valido: ne chieda uno nuovo.
conflict-no-valid-code-register = Nessun codice valido: si registri di nuovo per riceverne uno nuovo.
conflict-api-tokens-limit = Ha { $max } token API attivi, il massimo consentito; ne revochi prima uno.
conflict-device-has-user = Questo computer ha già un utente del portale.
conflict-registration-done = Questa registrazione è già stata completata.
conflict-sign-in-to-continue = Acceda con la sua password e il codice per continuare.
conflict-agent-user-exists = Esiste già un utente del portale con questo indirizzo e-mail. Chieda al suo fornitore di collegarlo a questo computer.
conflict-agent-code-other-contact = È stato inviato un codice a un altro contatto per questo computer; lo confermi o attenda che scada.
conflict-role-request-settled = La richiesta è già stata decisa o ritirata.
conflict-role-request-pending = Ha già una richiesta di cambio di ruolo in sospeso in questa azienda: la ritiri per chiedere altri ruoli.
conflict-requester-left = Il richiedente non è più membro dell'azienda.
conflict-ticket-billed = Questo ticket è stato fatturato e non può più essere modificato.
conflict-ticket-not-closed = Il ticket non è chiuso.
conflict-ticket-busy = Il ticket è in fase di modifica da parte di altri; riprovi.
conflict-validation-settled = Questa convalida è già stata decisa o annullata.
conflict-validation-decided = Si è già espresso su questa convalida.
conflict-validation-expired = La scadenza di questa convalida è passata; è scaduta senza decisione.
conflict-validation-pending = Il ticket attende già una convalida; la annulli prima.
conflict-validation-not-pending = Solo una convalida in sospeso può essere annullata.
conflict-validation-ticket-closed = Il ticket è chiuso; lo riapra prima di chiedere una convalida.
conflict-validation-no-approver = L'azienda del ticket non ha alcun approvatore (customer_approver o change_manager) oltre al richiedente.
conflict-validation-status = Questa convalida è già { $status }.
conflict-link-used = Questo link è già stato usato.
conflict-link-expired = Questo link è scaduto.
conflict-change-settled = Questa richiesta di modifica è già stata decisa o annullata.
conflict-action-status = L'azione è già { $status }.
conflict-self-service-not-connected = Il self-service non è ancora collegato all'RMM.
conflict-reset-password-phone = Il ripristino della password richiede il telefono verificato dell'utente.
conflict-delivery-pending = Questa consegna è ancora in sospeso: è già in corso di consegna.
conflict-outbox-not-dead = Solo un messaggio nello stato dead può essere ritentato; questo è nello stato { $status }.
conflict-outbox-secret-wiped = Questo messaggio conteneva un segreto cancellato al passaggio allo stato dead, quindi non può essere inviato di nuovo; riavvii piuttosto ciò che lo ha inviato.

## Caricamenti (allegati di ticket e articoli) e la cassaforte.
problem-uploads-busy-detail = Sono in corso troppi caricamenti. Riprovi tra un momento.
problem-vault-unavailable-detail = La cassaforte della documentazione è disattivata: questo server è stato avviato senza chiave master (CLIENTDESK_MASTER_KEY). Tutto il resto è disponibile.
upload-media-type = Invii i file come multipart/form-data.
upload-unreadable = Il corpo multipart non è leggibile: { $reason }
upload-too-many-files = al massimo { $max } file per caricamento
upload-file-empty = { $file } è vuoto
upload-file-too-large = { $file } supera il limite di { $limit } byte per file.
upload-ticket-limit = Gli allegati del ticket supererebbero il loro limite complessivo.
upload-article-limit = Gli allegati dell'articolo supererebbero il loro limite complessivo.
upload-note-id = deve essere l'id di una nota
upload-note-not-of-ticket = non è una nota di questo ticket
upload-unknown-part = parte sconosciuta; invii parti `file` e un `note_id` facoltativo
upload-no-file = invii almeno una parte `file`, di tipo { $accepted }
upload-no-note = questi allegati non appartengono ad alcuna nota
upload-project-limit = Gli allegati del progetto supererebbero il loro limite complessivo.
upload-document-limit = Gli allegati del documento supererebbero il loro limite complessivo.
