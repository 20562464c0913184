//! Everything a person reads follows the reader's language: problem documents by the signed-in
//! user's language, otherwise by `Accept-Language` (weights honoured), otherwise English; the
//! decision page and the e-mails by the recipient's. What programs read (`type`, `code`, `status`,
//! pointers) is the same in every language.

use clientdesk_domain::outbox::Channel;
use reqwest::{Method, Response};
use serde_json::{json, Value};

use crate::approvals::{ask, mails, undelivered};
use crate::harness::TestApp;
use crate::on_both;
use crate::tickets::{companies, create, ok, ticket_id, PRINTER};

/// Each language, an `Accept-Language` that picks it, and its titles of a 404, a 422, a 401, a 429.
const LANGUAGES: [(&str, &str, [&str; 4]); 5] = [
    ("en", "ja, en-GB;q=0.5", ["Not found", "Invalid input", "Authentication required", "Too many requests"]),
    ("fr", "fr-CH, de;q=0.8", ["Introuvable", "Saisie invalide", "Authentification requise", "Trop de requêtes"]),
    ("de", "de-CH,fr;q=0.8", ["Nicht gefunden", "Ungültige Eingabe", "Anmeldung erforderlich", "Zu viele Anfragen"]),
    (
        "es",
        "fr;q=0.2, es-419;q=0.9",
        ["No encontrado", "Datos no válidos", "Autenticación requerida", "Demasiadas solicitudes"],
    ),
    ("it", "it", ["Non trovato", "Dati non validi", "Autenticazione richiesta", "Troppe richieste"]),
];

/// A problem answer: its `Content-Language` and its body.
async fn problem_in(res: Response, status: u16) -> (String, Value) {
    assert_eq!(res.status(), status);
    let lang = res.headers().get("content-language").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (lang, crate::harness::problem(res, status).await)
}

/// What a program reads of a problem: the same in every language.
fn machine(problem: &Value) -> Value {
    let errors: Vec<Value> = problem["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| json!([e["pointer"], e["parameter"], e["code"]])).collect())
        .unwrap_or_default();
    json!([problem["type"], problem["code"], problem["status"], errors])
}

/// The four problems of one language, checked against its titles; returns them for comparison.
fn check(lang: &str, titles: &[&str; 4], problems: &[(String, Value)]) -> Vec<Value> {
    for ((content_language, problem), title) in problems.iter().zip(titles) {
        assert_eq!(content_language, lang, "{problem}");
        assert_eq!(problem["title"], *title, "{lang}: {problem}");
        for detail in std::iter::once(&problem["detail"])
            .chain(problem["errors"].as_array().into_iter().flatten().map(|e| &e["detail"]))
        {
            let detail = detail.as_str().unwrap();
            assert!(!detail.is_empty() && !detail.contains('{') && !detail.contains('\u{2068}'), "{detail}");
        }
    }
    problems.iter().map(|(_, p)| p.clone()).collect()
}

/// Details differ from English in every other language; what programs read does not.
fn same_machine_parts(all: &[Vec<Value>]) {
    let english = &all[0];
    for other in &all[1..] {
        for (en, them) in english.iter().zip(other) {
            assert_eq!(machine(en), machine(them));
            assert_ne!(en["detail"], them["detail"], "{them}");
            for (a, b) in
                en["errors"].as_array().into_iter().flatten().zip(them["errors"].as_array().into_iter().flatten())
            {
                assert_ne!(a["detail"], b["detail"], "{b}");
            }
        }
    }
}

on_both!(problems_follow_accept_language, |app: TestApp| async move {
    let mut all = Vec::new();
    for (lang, accept, titles) in LANGUAGES {
        let with =
            |method: Method, path: &str| app.client.request(method, app.url(path)).header("accept-language", accept);
        let not_found = with(Method::GET, "/api/v1/no-such-thing").send().await.unwrap();
        let login = |email: &str, password: &str| {
            with(Method::POST, "/api/v1/auth/login")
                .json(&json!({"tenant": "demo", "email": email, "password": password}))
        };
        let invalid = login("", "").send().await.unwrap();
        let unauthorized = with(Method::GET, "/api/v1/me").send().await.unwrap();
        // Wrong passwords until the account is held back (5 are free, then the wait doubles).
        let mut throttled = login("pat.user@demo.example", "wrong password!").send().await.unwrap();
        for _ in 0..10 {
            if throttled.status() == 429 {
                break;
            }
            throttled = login("pat.user@demo.example", "wrong password!").send().await.unwrap();
        }
        let problems = [
            problem_in(not_found, 404).await,
            problem_in(invalid, 422).await,
            problem_in(unauthorized, 401).await,
            problem_in(throttled, 429).await,
        ];
        let pointers: Vec<&Value> = problems[1].1["errors"].as_array().unwrap().iter().map(|e| &e["pointer"]).collect();
        assert_eq!(pointers, [&json!("/email"), &json!("/password")], "{}", problems[1].1);
        all.push(check(lang, &titles, &problems));
    }
    same_machine_parts(&all);
    assert_eq!(all[0][2]["detail"], "Send an access token as Authorization: Bearer <token>.");
    assert_eq!(all[2][1]["errors"][0]["detail"], "muss zwischen 1 und 254 Zeichen oder Elemente lang sein");
    assert!(all[3][3]["detail"].as_str().unwrap().starts_with("Demasiados intentos fallidos."), "{}", all[3][3]);

    // No usable range: English.
    let res = app.client.get(app.url("/api/v1/me")).header("accept-language", "ja, zh;q=0.5").send().await.unwrap();
    let (lang, problem) = problem_in(res, 401).await;
    assert_eq!((lang.as_str(), &problem["title"]), ("en", &json!("Authentication required")));
});

on_both!(problems_follow_the_signed_in_users_language, |app: TestApp| async move {
    // One user per language: step-up failures are held back per user for a while.
    let users = ["pat.user", "pat.plus", "ann.approver", "max.changes", "tech"];
    let mut all = Vec::new();
    for ((lang, _, titles), user) in LANGUAGES.into_iter().zip(users) {
        let pat = app.token(&format!("{user}@demo.example")).await;
        ok(app.send(Method::PATCH, "/api/v1/me", &pat, json!({"language": lang})).await).await;
        // The user's choice wins over what the browser asks for.
        let with = |method: Method, path: &str| app.request(method, path, Some(&pat)).header("accept-language", "en");
        let not_found = with(Method::GET, "/api/v1/tickets/987654").send().await.unwrap();
        let invalid = with(Method::PATCH, "/api/v1/me").json(&json!({"name": "x".repeat(201)})).send().await.unwrap();
        let wrong_code = || with(Method::POST, "/api/v1/me/step-up").json(&json!({"code": "000000"})).send();
        let unauthorized = wrong_code().await.unwrap();
        let mut throttled = wrong_code().await.unwrap();
        for _ in 0..10 {
            if throttled.status() != 401 {
                break;
            }
            throttled = wrong_code().await.unwrap();
        }
        let problems = [
            problem_in(not_found, 404).await,
            problem_in(invalid, 422).await,
            problem_in(unauthorized, 401).await,
            problem_in(throttled, 429).await,
        ];
        assert_eq!(problems[1].1["errors"][0]["pointer"], "/name");
        all.push(check(lang, &titles, &problems));
    }
    same_machine_parts(&all);
    assert_eq!(all[1][2]["detail"], "Le code est incorrect ou a déjà été utilisé.");
    assert_eq!(all[4][1]["errors"][0]["detail"], "deve avere al massimo 200 caratteri o elementi");
});

on_both!(rule_refusals_and_conflicts_follow_the_language, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    let notes = format!("/api/v1/tickets/{printer}/notes");
    crate::tickets::status(app.post("/api/v1/companies", Some(&admin), json!({"name": "Northwind"})).await, 201).await;
    // Per language: a domain rule's 422, a policy's 403 and a conflict's 409, written in the
    // signed-in users' language (which wins over the browser's).
    let mut all = Vec::new();
    for lang in ["en", "de", "fr"] {
        for token in [&admin, &user] {
            ok(app.send(Method::PATCH, "/api/v1/me", token, json!({"language": lang})).await).await;
        }
        let send = |path: &str, token: &str, body: Value| {
            app.request(Method::POST, path, Some(token)).header("accept-language", "it").json(&body).send()
        };
        let rule = send(&notes, &user, json!({"body": "Psst", "internal": true})).await.unwrap();
        let denied = send("/api/v1/companies", &user, json!({"name": "Fabrikam"})).await.unwrap();
        let conflict = send("/api/v1/companies", &admin, json!({"name": "Northwind"})).await.unwrap();
        let problems = [problem_in(rule, 422).await, problem_in(denied, 403).await, problem_in(conflict, 409).await];
        for (content_language, problem) in &problems {
            assert_eq!(content_language, lang, "{problem}");
        }
        assert_eq!(problems[0].1["errors"][0]["pointer"], "/internal", "{}", problems[0].1);
        all.push(problems.into_iter().map(|(_, p)| p).collect::<Vec<_>>());
    }
    same_machine_parts(&all);
    let detail = |lang: usize, problem: usize| {
        let p = &all[lang][problem];
        p["errors"][0]["detail"].as_str().or(p["detail"].as_str()).unwrap().to_owned()
    };
    // English as it always was; German and French from their catalogues.
    assert_eq!(
        [detail(0, 0), detail(0, 1), detail(0, 2)],
        ["only staff add internal notes", "only a provider admin may do this", "A company of that name exists."]
    );
    assert_eq!(
        [detail(1, 0), detail(1, 1), detail(1, 2)],
        [
            "nur Mitarbeitende fügen interne Notizen hinzu",
            "nur ein Administrator des Dienstleisters darf das",
            "Ein Unternehmen mit diesem Namen existiert bereits."
        ]
    );
    assert_eq!(
        [detail(2, 0), detail(2, 1), detail(2, 2)],
        [
            "seul le personnel ajoute des notes internes",
            "seul un administrateur du prestataire peut faire cela",
            "Une entreprise de ce nom existe déjà."
        ]
    );
});

// What handlers refuse themselves (a query parameter's form, a row of a sync batch, the credential
// of a secondary flow, the retry of a message that is not dead) is written from the catalogue too.
on_both!(handler_refusals_follow_the_language, backend => |backend| async move {
    // Without a worker, a queued message stays pending: its retry is refused.
    let app = TestApp::spawn_with(backend, |config| config.outbox_worker = false).await;
    let psa = crate::psa::setup(&app).await;
    let admin = &psa.staff;
    let pending = crate::outbox::enqueue(&app.state.db, Channel::Email, 1).await[0];
    let report = format!("/api/v1/companies/{}/sla-report?month=2026-13", psa.contoso);
    let mut all = Vec::new();
    for (lang, accept) in [("en", "ja, en-GB;q=0.5"), ("fr", "fr-CH, de;q=0.8"), ("de", "de-CH,fr;q=0.8")] {
        ok(app.send(Method::PATCH, "/api/v1/me", admin, json!({"language": lang})).await).await;
        let with = |method: Method, path: &str, token: Option<&str>| {
            app.request(method, path, token).header("accept-language", accept)
        };
        // As the signed-in admin: a query parameter of the wrong form, a retry of a pending message.
        let month = with(Method::GET, &report, Some(admin)).send().await.unwrap();
        let retry = with(Method::POST, &format!("/api/v1/outbox/{pending}/retry"), Some(admin));
        let retry = retry.json(&json!({})).send().await.unwrap();
        // By the browser's language: a PSA batch whose row names a company the tenant lacks, and
        // the 401s of a sync credential and a set-password token that are not valid.
        let batch = |credential: &str, company: i64| {
            let rows = json!({"upsert": [crate::psa::invoice("INV-7", company, 10)]});
            with(Method::PUT, "/api/v1/psa/invoices", Some(credential)).json(&rows).send()
        };
        let row = batch(&psa.sync, 987_654).await.unwrap();
        let credential = batch("cdp_not-the-credential", psa.contoso).await.unwrap();
        let password = json!({"token": "not-a-token", "password": "a long passphrase"});
        let password = with(Method::POST, "/api/v1/auth/password", None).json(&password).send().await.unwrap();
        let problems = [
            problem_in(month, 422).await,
            problem_in(row, 422).await,
            problem_in(credential, 401).await,
            problem_in(password, 401).await,
            problem_in(retry, 409).await,
        ];
        for (content_language, problem) in &problems {
            assert_eq!(content_language, lang, "{problem}");
        }
        assert_eq!(problems[0].1["errors"][0]["parameter"], "month", "{}", problems[0].1);
        assert_eq!(problems[1].1["errors"][0]["pointer"], "/upsert/0/company_id", "{}", problems[1].1);
        all.push(problems.into_iter().map(|(_, p)| p).collect::<Vec<_>>());
    }
    same_machine_parts(&all);
    let details = |lang: usize| -> Vec<String> {
        all[lang]
            .iter()
            .map(|p| p["errors"][0]["detail"].as_str().or(p["detail"].as_str()).unwrap().to_owned())
            .collect()
    };
    // English as it always was; French and German from their catalogues.
    assert_eq!(
        details(0),
        [
            "must be a month YYYY-MM",
            "row INV-7: is not a company of this tenant",
            "Send the PSA integration's sync credential as Authorization: Bearer cdp_...",
            "The set-password token is invalid, used or expired.",
            "Only a dead message can be retried; this one is pending.",
        ]
    );
    assert_eq!(
        details(1),
        [
            "doit être un mois AAAA-MM",
            "ligne INV-7 : n'est pas une entreprise de ce locataire",
            "Envoyez l'identifiant de synchronisation de l'intégration PSA dans Authorization: Bearer cdp_...",
            "Le jeton de définition du mot de passe est invalide, déjà utilisé ou expiré.",
            "Seul un message à l'état dead peut être renvoyé ; celui-ci est à l'état pending.",
        ]
    );
    assert_eq!(
        details(2),
        [
            "muss ein Monat JJJJ-MM sein",
            "Zeile INV-7: ist kein Unternehmen dieses Mandanten",
            "Senden Sie die Synchronisierungskennung der PSA-Integration als Authorization: Bearer cdp_...",
            "Das Token zum Setzen des Passworts ist ungültig, bereits verwendet oder abgelaufen.",
            "Nur eine Nachricht im Status dead kann erneut versucht werden; diese ist im Status pending.",
        ]
    );
});

// Before any sign-in, the transport limits answer in the language the request asks for.
on_both!(a_transport_limit_answers_in_the_requested_language, |app: TestApp| async move {
    // Past the 16 KiB limit of a request head, well within what the HTTP parser reads whole.
    let huge = "x".repeat(20 * 1024);
    let res = app
        .client
        .get(app.url("/api/v1/me"))
        .header("accept-language", "es")
        .header("x-padding", huge)
        .send()
        .await
        .unwrap();
    let (lang, problem) = problem_in(res, 431).await;
    assert_eq!(lang, "es");
    assert_eq!(problem["code"], "header_fields_too_large");
    assert!(problem["detail"].as_str().unwrap().contains("16384"), "{problem}");
    assert_ne!(problem["title"], "Request header fields too large", "{problem}");
    assert_ne!(problem["detail"], "The request line and headers may take 16384 bytes at most.", "{problem}");
});

on_both!(the_decision_page_and_the_mail_are_in_the_recipients_language, backend => |backend| async move {
    let app = undelivered(backend).await;
    let staff = app.token("admin@demo.example").await;
    let (contoso, _, _) = companies(&app, &staff).await;
    for (email, lang) in [("max.changes@demo.example", "it"), ("ann.approver@demo.example", "fr")] {
        let token = app.token(email).await;
        ok(app.send(Method::PATCH, "/api/v1/me", &token, json!({"language": lang})).await).await;
    }
    let pat = app.token("pat.user@demo.example").await;
    let ticket = create(&app, &pat, contoso, json!({"title": "Toner <b>", "description": "x"})).await;
    ask(&app, &staff, ticket["id"].as_i64().unwrap(), json!({"question": "Comprare il toner?"})).await;

    let all = mails(&app).await;
    let (_, subject, body) = all.iter().rev().find(|(to, ..)| to == "max.changes@demo.example").expect("a mail to max");
    assert!(subject.contains("È richiesta la sua approvazione: Toner <b>"), "{subject}");
    assert!(body.starts_with("Buongiorno Max"), "{body}");
    let (_, subject, _) = all.iter().rev().find(|(to, ..)| to == "ann.approver@demo.example").expect("a mail to ann");
    assert!(subject.contains("Votre validation est demandée"), "{subject}");
    let links: Vec<&str> = body.split_whitespace().filter_map(|w| w.split("/api/v1/decision-links/").nth(1)).collect();
    let reject = app.url(&format!("/api/v1/decision-links/{}", links[1]));

    // The browser asks for German; the page follows the recipient.
    let browser = |req: reqwest::RequestBuilder| req.header("accept", "text/html").header("accept-language", "de");
    let page = browser(app.client.get(&reject)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-language"], "it");
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"it\">") && html.contains("Rifiutare la validazione del ticket"), "{html}");
    assert!(html.contains("sta per <strong>rifiutare</strong>") && html.contains("«Toner &lt;b&gt;»"), "{html}");
    assert!(html.contains("Perché la rifiuta? (obbligatorio)"), "{html}");
    let done = browser(app.client.post(&reject)).form(&[("comment", "Non ora")]).send().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("Ora è <strong>rifiutata</strong>"));

    // A used link names no approver any more to write for: the browser's language.
    let again = browser(app.client.post(&reject)).form(&[("comment", "again")]).send().await.unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(again.headers()["content-language"], "de");
    assert!(again.text().await.unwrap().contains("Es wurde nichts entschieden."));
    // As JSON, the same refusal is a problem in the browser's language.
    let json = app.client.get(&reject).header("accept-language", "es").send().await.unwrap();
    let (lang, problem) = problem_in(json, 409).await;
    assert_eq!((lang.as_str(), &problem["title"]), ("es", &json!("Conflicto")));
});
