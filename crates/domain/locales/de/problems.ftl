# Problemdokumente (RFC 9457): ein Titel je Problemcode, die Details, die die API selbst schreibt,
# und die Details der Feldfehler. `type`, `code` und Zeiger ändern sich nie mit der Sprache.

problem-bad-request-title = Ungültige Anfrage
problem-unauthorized-title = Anmeldung erforderlich
problem-forbidden-title = Nicht erlaubt
problem-not-found-title = Nicht gefunden
problem-method-not-allowed-title = Methode nicht erlaubt
problem-conflict-title = Konflikt
problem-precondition-failed-title = Vorbedingung nicht erfüllt
problem-payload-too-large-title = Inhalt zu groß
problem-unsupported-media-type-title = Nicht unterstützter Medientyp
problem-validation-title = Ungültige Eingabe
problem-too-many-requests-title = Zu viele Anfragen
problem-unavailable-title = Dienst nicht verfügbar
problem-header-fields-too-large-title = Anfrage-Header zu groß
problem-request-timeout-title = Zeitüberschreitung der Anfrage
problem-too-many-connections-title = Zu viele Verbindungen
problem-internal-title = Interner Fehler
problem-vault-unavailable-title = Tresor nicht verfügbar

problem-not-found-detail = Die Ressource existiert nicht oder ist für Sie nicht sichtbar.
problem-method-not-allowed-detail = Diese Ressource beantwortet diese Methode nicht; siehe den Allow-Header.
problem-precondition-failed-detail = Die Ressource hat sich geändert, seit Sie sie gelesen haben (If-Match stimmt nicht überein).
problem-validation-detail = Ein oder mehrere Felder sind ungültig.
problem-too-many-requests-detail = Zu viele fehlgeschlagene Versuche. Versuchen Sie es in { $seconds ->
        [one] { $seconds } Sekunde
       *[other] { $seconds } Sekunden
    } erneut.
problem-unavailable-detail = Der Dienst ist vorübergehend nicht verfügbar. Versuchen Sie es gleich noch einmal.
problem-header-fields-too-large-detail = Anfragezeile und Header dürfen höchstens { $limit } Bytes umfassen.
problem-request-timeout-detail = Die ganze Anfrage muss innerhalb von { $seconds ->
        [one] { $seconds } Sekunde
       *[other] { $seconds } Sekunden
    } eintreffen.
problem-too-many-connections-detail = Eine Client-Adresse darf höchstens { $limit } Verbindungen gleichzeitig halten; verwenden Sie die anderen wieder oder schließen Sie sie.
problem-internal-detail = Bei uns ist etwas schiefgegangen. Der Fehler wurde protokolliert.
problem-conflict-detail = Die Änderung steht im Konflikt mit dem aktuellen Zustand der Ressource.
problem-json-too-large-detail = Der JSON-Inhalt überschreitet die Grenze von { $limit } Bytes.
problem-body-too-large-detail = Der Inhalt überschreitet die Grenze von { $limit } Bytes.
problem-body-unreadable-detail = Der Inhalt konnte nicht gelesen werden: { $reason }
problem-pdf-too-large-detail = Ein PDF darf höchstens { $limit } Bytes groß sein.
problem-json-media-type-detail = Senden Sie den Inhalt als application/json.
problem-json-syntax-detail = Der Inhalt ist kein gültiges JSON: { $reason }
problem-pdf-media-type-detail = Senden Sie das PDF als Inhalt, mit Content-Type: application/pdf.
problem-confirmation-media-type-detail = Senden Sie die Bestätigung als application/json oder application/x-www-form-urlencoded.
detail-about = { $subject }: { $detail }
detail-row = Zeile { $id }
detail-device = Gerät { $guid }

unauthorized-missing-token = Senden Sie ein Zugriffstoken als Authorization: Bearer <Token>.
unauthorized-invalid-token = Das Zugriffstoken ist ungültig oder abgelaufen.
unauthorized-revoked-token = Das Token ist nicht mehr gültig. Melden Sie sich erneut an.
unauthorized-account-disabled = Dieses Konto ist deaktiviert.
unauthorized-wrong-credentials = Die E-Mail-Adresse oder das Passwort ist falsch.
unauthorized-wrong-code = Der Code ist falsch oder wurde bereits verwendet.
unauthorized-refresh-token = Das Aktualisierungstoken ist ungültig. Melden Sie sich erneut an.
unauthorized-mfa-token = Das MFA-Token ist ungültig oder abgelaufen. Melden Sie sich erneut an.
unauthorized-sign-in-expired = Die Anmeldung ist abgelaufen. Melden Sie sich erneut an.
unauthorized-set-password-token = Das Token zum Setzen des Passworts ist ungültig, bereits verwendet oder abgelaufen.
unauthorized-confirmation-link = Der Bestätigungslink ist ungültig, bereits verwendet oder abgelaufen.
unauthorized-agent-link = Der Agent-Link ist nicht gültig.
unauthorized-agent-code = Der Code ist ungültig, abgelaufen oder bereits verwendet.
unauthorized-agent-session = Die Agent-Sitzung ist nicht mehr gültig. Öffnen Sie den Link erneut.
unauthorized-registration-token = Das Registrierungstoken ist ungültig oder abgelaufen. Öffnen Sie den Link erneut.
unauthorized-rmm-sync-credential = Senden Sie die Synchronisierungskennung der Integration als Authorization: Bearer cdr_...
unauthorized-psa-sync-credential = Senden Sie die Synchronisierungskennung der PSA-Integration als Authorization: Bearer cdp_...
unauthorized-metrics-token = Senden Sie das Metrik-Token als Bearer-Token.
unauthorized-callback-signature = Der Rückruf ist nicht von der Integration signiert.
forbidden-read-only-token = Dieses API-Token darf nur lesen.
forbidden-agent-session = Diese Sitzung wurde über das Agent-Menü Ihres Computers geöffnet: Sie kann Ihre Tickets eröffnen und verfolgen. Melden Sie sich mit Ihrem Passwort an, um mehr zu tun.
forbidden-portal-disabled = Das Portal ist für alle Firmen deaktiviert, denen Sie angehören.

field-required = ist erforderlich
field-not-an-object = muss ein JSON-Objekt sein
field-unknown = unbekanntes Feld `{ $field }`, erwartet: { $expected }
field-unknown-none = unbekanntes Feld `{ $field }`, es werden keine Felder erwartet
field-invalid-type = ungültiger Typ: { $found }, erwartet: { $expected }
field-length-between = muss zwischen { $min } und { $max } Zeichen oder Elemente lang sein
field-length-max = darf höchstens { $max } Zeichen oder Elemente lang sein
field-length-min = muss mindestens { $min } Zeichen oder Elemente lang sein
field-range-between = muss zwischen { $min } und { $max } liegen
field-range-max = darf höchstens { $max } sein
field-range-min = muss mindestens { $min } sein
field-format = hat nicht die verlangte Form
field-invalid-value = ist kein zulässiger Wert

# Die Ablehnungen von serde, mit den Namen und Werten, die es nennt, als Argumente; die Meldung eines
# Parsers in unbekannter Form ist das Argument von `field-unreadable`.
field-missing = fehlendes Feld `{ $field }`
field-duplicate = doppeltes Feld `{ $field }`
field-unknown-variant = unbekannte Variante `{ $value }`, erwartet: { $expected }
field-unknown-variant-none = unbekannte Variante `{ $value }`, es gibt keine Varianten
field-invalid-value-expected = ungültiger Wert: { $found }, erwartet: { $expected }
field-invalid-length = ungültige Länge { $found }, erwartet: { $expected }
field-null-keeps-value = ungültiger Typ: null; lassen Sie das Feld weg, um seinen Wert zu behalten
field-unreadable = Wert nicht lesbar: { $reason }

## Regeln der Domäne: das Detail eines Feldfehlers (422), wenn eine Eingabe gegen eine Regel verstößt.

# Für viele Eingaben gemeinsam.
rule-not-empty = darf nicht leer sein
rule-max-chars = darf höchstens { $max } Zeichen lang sein
rule-min-chars = muss mindestens { $min } Zeichen lang sein
rule-chars-between = muss { $min } bis { $max } Zeichen lang sein
rule-no-control-chars = darf keine Steuerzeichen enthalten
rule-no-control-chars-but-breaks = darf außer Zeilenumbrüchen und Tabulatoren keine Steuerzeichen enthalten
rule-one-line = muss eine einzige Zeile ohne Steuerzeichen sein
rule-no-nul = darf das NUL-Zeichen nicht enthalten
rule-not-negative = darf nicht negativ sein
rule-from-to = muss zwischen { $min } und { $max } liegen
rule-not-before = darf nicht vor { $other } liegen
rule-one-of = muss einer der folgenden Werte sein: { $values }
rule-either = muss { $first } oder { $second } sein
rule-date = muss ein Datum im Format JJJJ-MM-TT sein
rule-year-range = muss zwischen den Jahren 1970 und 9999 liegen
rule-tags-at-most = höchstens { $max } Schlagwörter
rule-plain-text = muss 1 bis { $max } Zeichen lang sein, ohne Steuerzeichen
rule-out-of-range = liegt außerhalb des zulässigen Bereichs
rule-after = muss nach { $other } liegen
rule-together = { $first } und { $second } gehören zusammen
rule-date-yyyy-mm-dd = muss ein Datum JJJJ-MM-TT sein
rule-month-yyyy-mm = muss ein Monat JJJJ-MM sein
rule-time-of-day = muss eine Uhrzeit HH:MM von 00:00 bis 24:00 sein
rule-status-unknown = unbekannter Status
rule-status-unknown-named = unbekannter Status { $status }
rule-given-by-path = wird hier durch den Pfad angegeben
rule-company-in-path = das Unternehmen ist das im Pfad
rule-company-unknown = ist kein Unternehmen dieses Mandanten
rule-company-id-unknown = { $id } ist kein Unternehmen dieses Mandanten
rule-company-named-unknown = Unternehmen { $id } ist kein Unternehmen dieses Mandanten
rule-user-unknown = ist kein Benutzer dieses Mandanten
rule-code-not-sent = ist nicht der Code, den wir gesendet haben

# Abfrageparameter und Header.
rule-cursor = ist kein Cursor, den diese API ausgegeben hat
rule-cursor-sort = ist kein Cursor, den diese API für diese Sortierung ausgegeben hat
rule-search-prefix = ein Präfix ({ $prefix }*) braucht mindestens { $min } Buchstaben oder Ziffern
rule-search-word = muss ein Wort oder eine Zahl enthalten
rule-idempotency-key = muss aus 1 bis 255 sichtbaren ASCII-Zeichen bestehen
rule-idempotency-key-reused = wurde bereits mit einer anderen Anfrage verwendet; verwenden Sie einen neuen Schlüssel

# Zugänge, Adressen und Passwörter.
rule-email = muss eine E-Mail-Adresse wie name@example.com sein
rule-email-other-company-domain = diese Adresse gehört zur E-Mail-Domain eines anderen Unternehmens
rule-email-not-company-domain = muss eine Adresse aus einer der E-Mail-Domains des Unternehmens sein
rule-memberships-no-domain = geben Sie ein Unternehmen an: Die Adresse gehört zu keiner registrierten E-Mail-Domain eines Unternehmens
rule-domain = muss ein Domainname wie contoso.example sein
rule-phone = muss eine Telefonnummer wie +41 44 123 45 67 sein
rule-password-common = gehört zu den häufigsten kompromittierten Passwörtern; wählen Sie ein anderes
rule-password-is-email = darf nicht Ihre E-Mail-Adresse sein
rule-role-unknown = unbekannte Rolle { $role }; die Rollen sind portal_user, portal_user_plus, customer_approver, change_manager, controller, portal_admin, vault_reader, vault_editor
rule-roles-empty = mindestens eine Rolle ist erforderlich
rule-portal-admin-provider-only = in diesem Mandanten vergibt nur der Dienstleister die Rolle portal_admin
rule-portal-admin-not-by-customer = in diesem Mandanten kann ein Kunde die Rolle portal_admin nicht vergeben
rule-totp-enrolment-code = passt nicht zum neuen Geheimnis; prüfen Sie die Uhr der App und versuchen Sie den nächsten Code
rule-code-or-recovery-code = senden Sie entweder code oder recovery_code
rule-code-or-sms-code = geben Sie genau eines von code und sms_code an
rule-phone-by-endpoint = ändern oder entfernen Sie Ihr Telefon mit PUT oder DELETE /api/v1/me/phone (dort wird Ihr zweiter Faktor verlangt)
rule-roles-unchanged = sind bereits Ihre Rollen
rule-reason-required = muss den Grund nennen
rule-notice-kind = ist keine Art von E-Mail, die an Sie geschrieben wird
rule-company-member = muss Mitglied des Unternehmens sein
rule-company-cycle = würde das Unternehmen zu seinem eigenen Vorfahren machen
rule-company-depth = die Kette übergeordneter Unternehmen ist zu tief

# Einstellungen, Kalender und SMS.
rule-time-zone = muss eine IANA-Zeitzone wie Europe/Zurich sein
rule-request-types-at-most = höchstens { $max } Anfragearten
rule-hours-interval = jedes Intervall beginnt vor seinem Ende, innerhalb des Tages
rule-hours-overlap = die Intervalle eines Tages dürfen sich nicht überschneiden
rule-hours-empty-week = ein Kalender ist mindestens eine Stunde pro Woche geöffnet
rule-sla-targets = Zielzeiten liegen zwischen 1 und { $max } Minuten
rule-sla-pause-closed = Gelöst und Geschlossen halten die Uhr an; sie können sie nicht pausieren
rule-calling-codes-at-most = enthält höchstens { $max } Vorwahlen
rule-calling-code = { $value } ist keine Vorwahl wie +41
rule-sms-country = SMS können nicht in dieses Land gesendet werden: Geben Sie die Nummer mit einer Landesvorwahl an, die Ihr Dienstleister zulässt
rule-holidays-at-most = höchstens { $max } Feiertage
rule-intervals-at-most = höchstens { $max } Intervalle pro Tag
rule-calendar-unknown = diesen Kalender gibt es nicht
rule-plan-unknown = diesen Plan gibt es nicht
rule-field-key = muss aus 1 bis 40 Kleinbuchstaben, Ziffern oder _ bestehen und mit einem Buchstaben beginnen
rule-select-options = ein Auswahlfeld braucht 1 bis 100 Optionen
rule-options-select-only = nur Auswahlfelder haben Optionen
rule-options-plain-text = jede Option muss 1 bis { $max } Zeichen lang sein, ohne Steuerzeichen

# Tickets.
rule-requester-required-for-staff = ist für Mitarbeitende erforderlich
rule-queue-inactive = ist keine aktive Warteschlange
rule-request-type-not-allowed = ist keine Anfrageart, die dieses Unternehmen verwenden darf
rule-not-company-user = muss ein Portalbenutzer des Unternehmens des Tickets sein
rule-assignee-not-staff = ist kein Mitarbeiterkonto dieses Mandanten
rule-assignee-not-active-staff = ist kein aktives Mitarbeiterkonto dieses Mandanten
rule-input-not-allowed = Ihre Rollen erlauben nicht, es zu setzen
rule-input-not-editable = ist für Kunden nicht bearbeitbar
rule-input-staff-only = wird nur vom Dienstleister gesetzt
rule-internal-note-staff-only = nur Mitarbeitende fügen interne Notizen hinzu
rule-custom-values-at-most = höchstens { $max } Werte
rule-custom-field-unknown = { $key }: kein solches Feld
rule-custom-field-required = { $key }: ist erforderlich
rule-custom-field-expected-value = { $key }: erwartet wird ein Wert (das Feld ist erforderlich)
rule-custom-field-expected-text = { $key }: erwartet wird ein Text mit höchstens { $max } Zeichen
rule-custom-field-expected-number = { $key }: erwartet wird eine Zahl
rule-custom-field-expected-boolean = { $key }: erwartet wird true oder false
rule-custom-field-expected-date = { $key }: erwartet wird ein Datum im Format JJJJ-MM-TT
rule-custom-field-expected-option = { $key }: erwartet wird einer der Werte { $options }
rule-field-visibility-staff = { $field } wird nur von Mitarbeitenden gesetzt: read_only oder hidden
rule-field-hidden-filter = { $field } wird Kunden nicht angezeigt, daher können Tickets nicht danach gefiltert oder sortiert werden
rule-comment-required-to-reject = ist bei einer Ablehnung erforderlich: Geben Sie den Grund an
rule-ticket-sort = muss created, updated oder priority sein, wahlweise mit vorangestelltem -
rule-staff-filters = assignee_id, queue_id und company_id filtern nur Listen für Mitarbeitende
rule-planned-start = muss zwischen heute und zehn Jahren in der Zukunft liegen
rule-iso-currency = muss ein ISO-4217-Code wie EUR oder USD sein
rule-deadline = muss in der Zukunft liegen, höchstens ein Jahr voraus

# Anhänge.
rule-content-type = der Inhaltstyp { $type } wird nicht angenommen; senden Sie einen der folgenden: { $accepted }
rule-content-mismatch = der Inhalt entspricht nicht dem Typ { $type }
rule-content-binary = der Inhalt entspricht nicht dem Typ { $type } (Binärdaten)

# Wissensdatenbank.
rule-kb-audience-companies = muss 1 bis 100 Unternehmen nennen
rule-kb-audience-kind = muss all_companies, companies, territory, classification oder internal sein
rule-kb-tag = jedes Schlagwort besteht aus 1 bis { $max } Buchstaben, Ziffern oder - _ . + # (erhalten: { $value })
rule-kb-category-cycle = würde die Kategorie zu ihrem eigenen Vorfahren machen
rule-kb-category-depth = Kategorien lassen sich höchstens { $max } Ebenen tief verschachteln
rule-kb-category-unknown = ist keine Kategorie dieses Mandanten
rule-kb-search-no-word = muss mindestens ein Suchwort enthalten

# Geräte, Inventar, Garantien und Lizenzen.
rule-addresses-at-most = darf höchstens { $max } Adressen enthalten
rule-disks-at-most = darf höchstens { $max } Datenträger enthalten
rule-disk-sizes = Größen müssen positiv sein, und free_bytes darf size_bytes nicht übersteigen
rule-warranty-device = eine Garantie gilt für ein Gerät: Geben Sie es an
rule-seats-licence-only = nur eine Lizenz hat Plätze
rule-devices-count = muss 1 bis { $max } Geräte enthalten
rule-entries-at-most = darf höchstens { $max } Einträge enthalten
rule-device-own = ist der des Geräts: lassen Sie ihn weg
rule-device-user = der Benutzer des Geräts muss ein Portalbenutzer des Unternehmens des Geräts sein
rule-device-portal-user = muss ein Portalbenutzer des Unternehmens des Geräts sein
rule-device-not-of-company = ist kein Gerät dieses Unternehmens
rule-entry-stays-with-company = ein Eintrag bleibt bei seinem Unternehmen

# Self-Service.
rule-software-not-in-catalogue = ist nicht im Katalog
rule-software-linux = auf Linux-Computern kann keine Software installiert werden
rule-software-required = ist für die Installation von Software erforderlich
rule-software-install-only = gehört nur zu install_software
rule-software-not-offered = wird auf diesem Computer nicht angeboten
rule-package-id = muss eine Paketkennung sein (Buchstaben, Ziffern, . - _ @ / +)
rule-homebrew-formula-or-cask = geben Sie eine Homebrew-Formel oder einen Cask an, nicht beides
rule-package-required = geben Sie eine Chocolatey-ID, eine Homebrew-Formel oder einen Cask an

# Tresor.
rule-vault-url = muss eine Adresse mit Schema sein (https://...)
rule-vault-tag = ein Schlagwort ist ein einzelnes Wort mit 1 bis 40 Zeichen
rule-vault-secret-empty = darf nicht leer sein (lassen Sie es weg, um das aktuelle zu behalten)
rule-vault-totp-seed = muss ein Base32-TOTP-Schlüssel mit 16 bis 103 Zeichen sein
rule-title-search = darf höchstens 200 Zeichen lang und einzeilig sein

# Verträge, Projekte und Rechnungen.
rule-hours = muss zwischen 0 und 100 000 Stunden liegen, mit höchstens zwei Nachkommastellen
rule-month = muss ein Monat im Format JJJJ-MM sein
rule-note-body = muss 1 bis 10 000 Zeichen lang sein
rule-currency = muss ein ISO-4217-Code aus drei Großbuchstaben sein, etwa CHF
rule-minor-units = muss zwischen 0 und { $max } kleinsten Währungseinheiten liegen
rule-invoice-total = muss net_minor + tax_minor sein
rule-invoice-paid = darf total_minor nicht übersteigen
rule-payment-url = muss eine https://-URL mit Host sein, höchstens 2000 Zeichen lang
rule-quantity = muss eine Zahl von 0 bis 1 000 000 000 mit höchstens drei Nachkommastellen sein
rule-contract-hours = ein Stundenkontingent hat Stunden, keine Währung und keine Beträge
rule-contract-retainer = eine Pauschale hat eine Währung und Beträge, keine Stunden
rule-contract-other-company = ist ein Vertrag eines anderen Unternehmens
rule-contract-unknown = ist kein Vertrag dieses Mandanten
rule-contract-by-psa-id = geben Sie den Vertrag mit contract_psa_id an
rule-lines-at-most = höchstens { $max } Positionen
rule-phases-at-most = höchstens { $phases } Phasen mit je { $tasks } Aufgaben
rule-team-at-most = höchstens { $max } Mitglieder
rule-currency-with-charges = ist bei Kosten erforderlich
rule-team-no-email = kein Mitglied des Teams hat eine E-Mail-Adresse
rule-rows-count = muss 1 bis { $max } Zeilen enthalten
rule-sync-batch-size = senden Sie 1 bis { $max } Zeilen, Upserts und Löschungen zusammen
rule-sync-named-twice = mehr als einmal in diesem Stapel genannt

# Webhooks.
rule-event-types-empty = muss mindestens eine Ereignisart nennen
rule-event-types-at-most = darf höchstens { $max } Typen aufführen
rule-url-unparsable = ist keine URL: { $reason }
rule-url-https = muss eine https://-URL sein
rule-url-credentials = darf weder Benutzernamen noch Passwort enthalten
rule-url-host = muss einen Host nennen
rule-url-private = löst zu einer privaten, Loopback- oder Link-Local-Adresse auf; der Mandant erlaubt diese nicht (allow_private_targets)
rule-url-https-or-private = muss eine https://-URL sein (http:// nur für eine erlaubte private Adresse)
rule-url-unresolved = nennt einen Host, der sich nicht auflösen lässt ({ $host })

## Verweigerungen (403) der Richtlinien der Domäne.
denied-staff-only = nur Mitarbeitende des Dienstleisters dürfen das
denied-provider-admin-only = nur ein Administrator des Dienstleisters darf das
denied-read-only-token = dieses API-Token ist schreibgeschützt
denied-agent-session = diese Sitzung wurde über das Agent-Menü Ihres Computers geöffnet; melden Sie sich dafür mit Ihrem Passwort an
denied-token-manages-tokens = ein API-Token kann keine API-Tokens verwalten
denied-second-factor-first = melden Sie sich zuerst mit Ihrem Passwort und einem Code Ihrer Authenticator-App an
denied-roles = Ihre Rollen in diesem Unternehmen erlauben das nicht
denied-roles-system-info = Ihre Rollen in diesem Unternehmen umfassen keine Systeminformationen
denied-roles-kb = Ihre Rollen in diesem Unternehmen umfassen die Wissensdatenbank nicht
denied-roles-projects = Ihre Rollen in diesem Unternehmen umfassen keine Projekte
denied-roles-invoices = Ihre Rollen in diesem Unternehmen umfassen keine Rechnungen
denied-roles-tickets = Ihre Rollen in diesem Unternehmen umfassen keine Tickets.
denied-roles-open-tickets = Ihre Rollen in diesem Unternehmen erlauben nicht, Tickets zu eröffnen.
denied-ticket-read-only = Ihre Rollen erlauben Ihnen, dieses Ticket zu lesen, aber nicht, es zu ändern.
denied-ticketing-off = Tickets sind für dieses Unternehmen ausgeschaltet.
denied-reopen = Der Dienstleister erlaubt nicht, Tickets wieder zu öffnen.
denied-kb-off = die Wissensdatenbank ist für dieses Unternehmen ausgeschaltet
denied-self-service-off = Self-Service-Aktionen sind für Ihr Unternehmen ausgeschaltet.
denied-token-phones = Ein API-Token kann keine Telefone verwalten und keinen zweiten Faktor nachweisen.
denied-no-session = Dieses Zugriffstoken gehört zu keiner Anmeldesitzung: Melden Sie sich erneut an.
denied-vault-read = das Lesen des Tresors erfordert die Rolle vault_reader oder vault_editor
denied-vault-write = das Ändern des Tresors erfordert die Rolle vault_editor
denied-vault-reveals = nur der Portaladministrator des Unternehmens liest das Protokoll der Tresor-Einsichten
denied-vault-reveal-factor = das Anzeigen eines Geheimnisses erfordert einen zweiten Faktor: Richten Sie zuerst eine Authenticator-App oder ein bestätigtes Telefon ein
denied-vault-document-own-company = ein Tresor-Editor schreibt Dokumente nur für die eigene Firma (Zielgruppe: companies, nur diese Firma); weitere Zielgruppen sind Sache des Anbieters
denied-vault-document-not-own = dieses Dokument gehört nicht Ihrer Firma: nur der Anbieter ändert es
denied-step-up-use-app = Sie haben eine Authenticator-App: Weisen Sie Ihren zweiten Faktor mit deren Code nach
denied-step-up-phone-changed = Codes per SMS gelten erst 24 Stunden nach einem Telefonwechsel wieder
denied-step-up-no-app = es ist keine Authenticator-App eingerichtet
denied-step-up-no-phone = hinterlegen und bestätigen Sie zuerst ein Telefon
denied-step-up-app-first = weisen Sie zuerst Ihren Authenticator-Code nach (POST /api/v1/me/step-up); er gilt 5 Minuten
denied-step-up-sms-first = weisen Sie zuerst einen an Ihr aktuelles Telefon gesendeten Code nach (POST /api/v1/me/step-up); er gilt 5 Minuten
denied-step-up-first = weisen Sie zuerst einen zweiten Faktor nach (POST /api/v1/me/step-up); er gilt 5 Minuten
denied-logins-portal-admin = die Verwaltung der Zugänge dieses Unternehmens erfordert die Rolle Portaladministrator
denied-own-login = Sie können Ihren eigenen Zugang und Ihre eigenen Rollen nicht ändern
denied-role-change-decider = über Rollenänderungen entscheidet ein Kundengenehmiger oder Portaladministrator
denied-own-role-change = Sie können nicht über Ihre eigene Rollenänderung entscheiden

## Verweigerungen (403), die die API selbst schreibt.
forbidden-wrong-code = Der Code ist falsch, abgelaufen oder wurde bereits verwendet.
forbidden-withdraw-not-requester = Nur die anfragende Person kann eine Anfrage zurückziehen.
forbidden-requester-validates = Die anfragende Person eines Tickets kann es nicht selbst freigeben.
forbidden-not-approver = Sie sind kein Genehmiger dieses Unternehmens mehr.
forbidden-token-password = Ein API-Token kann das Passwort nicht ändern.
forbidden-wrong-password = Das aktuelle Passwort ist falsch.
forbidden-token-second-factor = Ein API-Token kann den zweiten Faktor nicht ändern.
forbidden-send-current-code = Senden Sie einen aktuellen Code Ihrer Authenticator-App.
forbidden-two-factor-required = Ihr Unternehmen verlangt die Anmeldung mit zwei Faktoren.
forbidden-sign-in-log = Das Anmeldeprotokoll ist den Portaladministratoren des Unternehmens vorbehalten.
forbidden-staff-directory = Der Dienstleister gibt Kunden keine Liste seiner Mitarbeitenden.
forbidden-roles-changes = Ihre Rollen in diesem Unternehmen umfassen nicht das Genehmigen von Changes.
forbidden-staff-role-request = Mitarbeitende haben keine Rollen in einem Unternehmen: Ein Administrator des Dienstleisters setzt Rollen direkt.
forbidden-role-request-decider = Über Rollenänderungen entscheiden die Kundengenehmiger und Portaladministratoren des Unternehmens.
forbidden-staff-validates = Über Freigaben entscheiden die Genehmiger des Kunden, nicht die Mitarbeitenden.
forbidden-roles-validations = Ihre Rollen in diesem Unternehmen umfassen nicht das Freigeben von Tickets.

## Konflikte (409) mit dem aktuellen Zustand.
conflict-idempotency-in-progress = Eine Anfrage mit diesem Idempotency-Key wird noch verarbeitet.
conflict-company-name = Ein Unternehmen mit diesem Namen existiert bereits.
conflict-company-domain = Ein Unternehmen dieses Mandanten hat diese Domain bereits.
conflict-domain-registered = Die Domain { $domain } ist bei { $company } registriert (Unternehmen { $company_id }).
conflict-entry-synced = Dieser Eintrag wird mit seinem Gerät aus dem RMM synchronisiert: Ändern Sie ihn dort.
conflict-enrolment-not-started = Starten Sie zuerst die Einrichtung.
conflict-no-second-factor = Es ist kein zweiter Faktor eingerichtet.
conflict-email-taken = Ein anderer Benutzer dieses Mandanten hat diese E-Mail-Adresse.
conflict-user-exists = Ein Benutzer mit dieser E-Mail-Adresse existiert bereits.
conflict-user-email-exists = Ein Benutzer mit dieser E-Mail-Adresse existiert.
conflict-user-disabled = Der Benutzer ist deaktiviert: Aktivieren Sie ihn zuerst.
conflict-last-portal-admin = das Unternehmen stünde ohne Portaladministrator da
conflict-psa-id-record = Ein anderer Datensatz hat diese psa_id.
conflict-psa-id-project = Ein anderes Projekt hat diese psa_id.
conflict-psa-id-invoice = Eine andere Rechnung hat diese psa_id.
conflict-name-taken = Dieser Name wird bereits verwendet.
conflict-name-or-key-taken = Dieser Name oder Schlüssel wird bereits verwendet.
conflict-calendar-in-use = Löschen nicht möglich: Der Kalender wird von einem SLA-Plan verwendet.
conflict-plan-in-use = Löschen nicht möglich: Der SLA-Plan ist einem Unternehmen zugewiesen.
conflict-category-name = An dieser Stelle gibt es bereits eine Kategorie mit diesem Namen.
conflict-category-not-empty = Die Kategorie enthält { $children } Unterkategorien und { $articles } Artikel; verschieben oder löschen Sie diese zuerst.
conflict-step-up-no-app = Es ist keine Authenticator-App eingerichtet.
conflict-step-up-no-phone = Hinterlegen und bestätigen Sie zuerst ein Telefon.
conflict-phone-first = Hinterlegen und bestätigen Sie zuerst ein Telefon (PUT /api/v1/me/phone).
conflict-no-valid-code = Kein gültiger Code: Fordern Sie einen neuen an.
conflict-no-valid-code-register = Kein gültiger Code: Registrieren Sie sich erneut, um einen neuen zu erhalten.
conflict-api-tokens-limit = Sie haben { $max } aktive API-Tokens, die erlaubte Höchstzahl; widerrufen Sie zuerst eines.
conflict-device-has-user = Dieser Computer hat bereits einen Portalbenutzer.
conflict-registration-done = Diese Registrierung wurde bereits abgeschlossen.
conflict-sign-in-to-continue = Melden Sie sich mit Ihrem Passwort und Code an, um fortzufahren.
conflict-agent-user-exists = Ein Portalbenutzer mit dieser E-Mail-Adresse existiert bereits. Bitten Sie Ihren Dienstleister, diesen Computer mit ihm zu verknüpfen.
conflict-agent-code-other-contact = Für diesen Computer wurde ein Code an einen anderen Kontakt gesendet; bestätigen Sie ihn oder warten Sie, bis er abläuft.
conflict-role-request-settled = Über die Anfrage wurde bereits entschieden, oder sie wurde zurückgezogen.
conflict-role-request-pending = In diesem Unternehmen ist bereits eine Rollenänderung von Ihnen offen: Ziehen Sie sie zurück, um andere Rollen anzufragen.
conflict-requester-left = Die anfragende Person ist nicht mehr Mitglied des Unternehmens.
conflict-ticket-billed = Dieses Ticket wurde abgerechnet und kann nicht mehr geändert werden.
conflict-ticket-not-closed = Das Ticket ist nicht geschlossen.
conflict-ticket-busy = Das Ticket wird gerade von anderen geändert; versuchen Sie es erneut.
conflict-validation-settled = Über diese Freigabe wurde bereits entschieden, oder sie wurde abgebrochen.
conflict-validation-decided = Sie haben über diese Freigabe bereits entschieden.
conflict-validation-expired = Die Frist dieser Freigabe ist abgelaufen; sie ist ohne Entscheidung verfallen.
conflict-validation-pending = Das Ticket wartet bereits auf eine Freigabe; brechen Sie diese zuerst ab.
conflict-validation-not-pending = Nur eine offene Freigabe kann abgebrochen werden.
conflict-validation-ticket-closed = Das Ticket ist geschlossen; öffnen Sie es wieder, bevor Sie eine Freigabe anfordern.
conflict-validation-no-approver = Das Unternehmen des Tickets hat außer der anfragenden Person keinen Genehmiger (customer_approver oder change_manager).
conflict-validation-status = Diese Freigabe ist bereits { $status }.
conflict-link-used = Dieser Link wurde bereits verwendet.
conflict-link-expired = Dieser Link ist abgelaufen.
conflict-change-settled = Über diesen Change Request wurde bereits entschieden, oder er wurde abgebrochen.
conflict-action-status = Die Aktion ist bereits { $status }.
conflict-self-service-not-connected = Self-Service ist noch nicht mit dem RMM verbunden.
conflict-reset-password-phone = Das Zurücksetzen des Passworts erfordert das bestätigte Telefon des Benutzers.
conflict-delivery-pending = Diese Zustellung ist noch offen: Sie wird bereits zugestellt.
conflict-outbox-not-dead = Nur eine Nachricht im Status dead kann erneut versucht werden; diese ist im Status { $status }.
conflict-outbox-secret-wiped = Diese Nachricht enthielt ein Geheimnis, das gelöscht wurde, als sie in den Status dead überging; sie kann daher nicht erneut gesendet werden. Starten Sie stattdessen erneut, was sie gesendet hat.

## Uploads (Anhänge von Tickets und Artikeln) und der Tresor.
problem-uploads-busy-detail = Es laufen zu viele Uploads. Versuchen Sie es gleich noch einmal.
problem-vault-unavailable-detail = Der Dokumentationstresor ist ausgeschaltet: Dieser Server wurde ohne Hauptschlüssel (CLIENTDESK_MASTER_KEY) gestartet. Alles andere wird bedient.
upload-media-type = Senden Sie die Dateien als multipart/form-data.
upload-unreadable = Der Multipart-Inhalt kann nicht gelesen werden: { $reason }
upload-too-many-files = höchstens { $max } Dateien pro Upload
upload-file-empty = { $file } ist leer
upload-file-too-large = { $file } ist größer als die Grenze von { $limit } Bytes pro Datei.
upload-ticket-limit = Die Anhänge des Tickets würden ihre Gesamtgrenze überschreiten.
upload-article-limit = Die Anhänge des Artikels würden ihre Gesamtgrenze überschreiten.
upload-note-id = muss die ID einer Notiz sein
upload-note-not-of-ticket = ist keine Notiz dieses Tickets
upload-unknown-part = unbekannter Teil; senden Sie `file`-Teile und optional eine `note_id`
upload-no-file = senden Sie mindestens einen `file`-Teil vom Typ { $accepted }
upload-no-note = diese Anhänge gehören zu keiner Notiz
upload-project-limit = Die Anhänge des Projekts würden ihre Gesamtgrenze überschreiten.
upload-document-limit = Die Anhänge des Dokuments würden ihre Gesamtgrenze überschreiten.
