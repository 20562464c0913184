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
problem-json-media-type-detail = Senden Sie den Inhalt als application/json.
problem-json-syntax-detail = Der Inhalt ist kein gültiges JSON: { $reason }

unauthorized-missing-token = Senden Sie ein Zugriffstoken als Authorization: Bearer <Token>.
unauthorized-invalid-token = Das Zugriffstoken ist ungültig oder abgelaufen.
unauthorized-revoked-token = Das Token ist nicht mehr gültig. Melden Sie sich erneut an.
unauthorized-account-disabled = Dieses Konto ist deaktiviert.
unauthorized-wrong-credentials = Die E-Mail-Adresse oder das Passwort ist falsch.
unauthorized-wrong-code = Der Code ist falsch oder wurde bereits verwendet.
unauthorized-refresh-token = Das Aktualisierungstoken ist ungültig. Melden Sie sich erneut an.
unauthorized-mfa-token = Das MFA-Token ist ungültig oder abgelaufen. Melden Sie sich erneut an.
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
