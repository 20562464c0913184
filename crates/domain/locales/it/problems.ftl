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
problem-json-media-type-detail = Invii il corpo come application/json.
problem-json-syntax-detail = Il corpo non è JSON valido: { $reason }

unauthorized-missing-token = Invii un token di accesso come Authorization: Bearer <token>.
unauthorized-invalid-token = Il token di accesso non è valido o è scaduto.
unauthorized-revoked-token = Il token non è più valido. Acceda di nuovo.
unauthorized-account-disabled = Questo account è disattivato.
unauthorized-wrong-credentials = L'indirizzo e-mail o la password sono errati.
unauthorized-wrong-code = Il codice è errato o è già stato usato.
unauthorized-refresh-token = Il token di aggiornamento non è valido. Acceda di nuovo.
unauthorized-mfa-token = Il token MFA non è valido o è scaduto. Acceda di nuovo.
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
