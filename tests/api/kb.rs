//! The knowledge base: who sees which article (every audience kind, drafts, internal articles,
//! the company switch), search and suggestions with their ranking and stemming, revisions,
//! feedback and views, categories, and refusals.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, TestApp};
use crate::on_both;

mod attachments;
mod tiers;

/// The demo companies' ids: Contoso (EMEA, managed), its subsidiary (DACH, premium), Fabrikam
/// (AMER, managed, knowledge base off).
async fn companies(app: &TestApp, staff: &str) -> (i64, i64, i64) {
    let page: Value = app.get("/api/v1/companies", staff).await.json().await.unwrap();
    let id = |name: &str| {
        page["items"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["id"].as_i64().unwrap()
    };
    (id("Contoso Ltd"), id("Contoso Deutschland GmbH"), id("Fabrikam Inc"))
}

/// Creates an article (and publishes it when asked); returns its id.
async fn article(app: &TestApp, staff: &str, title: &str, body: &str, audience: Value, publish: bool) -> i64 {
    let res =
        app.post("/api/v1/kb/articles", Some(staff), json!({"title": title, "body": body, "audience": audience})).await;
    assert_eq!(res.status(), 201, "create {title}");
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    if publish {
        let res = app.post(&format!("/api/v1/kb/articles/{id}/publish"), Some(staff), json!({})).await;
        assert_eq!(res.status(), 200, "publish {title}");
    }
    id
}

fn ids(items: &Value) -> BTreeSet<i64> {
    items.as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

/// Every article id in the company's list, page by page.
async fn listed(app: &TestApp, token: &str, company: i64) -> BTreeSet<i64> {
    let mut all = BTreeSet::new();
    let mut path = format!("/api/v1/companies/{company}/kb/articles?limit=2");
    loop {
        let res = app.get(&path, token).await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        all.extend(ids(&page["items"]));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/companies/{company}/kb/articles?limit=2&cursor={c}"),
            None => return all,
        }
    }
}

async fn searched(app: &TestApp, token: &str, company: i64, query: &str) -> (Vec<i64>, i64) {
    let q: String = url_encode(query);
    let res = app.get(&format!("/api/v1/companies/{company}/kb/search?q={q}&limit=50"), token).await;
    assert_eq!(res.status(), 200, "search {query:?}");
    let page: Value = res.json().await.unwrap();
    let hits = page["items"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect();
    (hits, page["total"].as_i64().unwrap())
}

async fn suggested(app: &TestApp, token: &str, company: i64, title: &str, description: &str) -> Vec<i64> {
    let res = app
        .post(
            &format!("/api/v1/companies/{company}/kb/suggestions"),
            Some(token),
            json!({"title": title, "description": description, "limit": 10}),
        )
        .await;
    assert_eq!(res.status(), 200, "suggestions for {title:?}");
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What `token` sees of `created` in the company: by list, read, search (and its total) and
/// suggestions; all four must agree.
async fn seen(app: &TestApp, token: &str, company: i64, created: &[i64], word: &str) -> BTreeSet<i64> {
    let created_set: BTreeSet<i64> = created.iter().copied().collect();
    let by_list: BTreeSet<i64> = listed(app, token, company).await.intersection(&created_set).copied().collect();
    let mut by_read = BTreeSet::new();
    for id in created {
        let res = app.get(&format!("/api/v1/companies/{company}/kb/articles/{id}"), token).await;
        match res.status().as_u16() {
            200 => {
                by_read.insert(*id);
            }
            _ => {
                problem(res, 404).await;
            }
        }
    }
    let (hits, total) = searched(app, token, company, word).await;
    let by_search: BTreeSet<i64> = hits.into_iter().collect();
    let by_suggestion: BTreeSet<i64> = suggested(app, token, company, word, "").await.into_iter().collect();
    assert_eq!(by_list, by_read, "list and read agree");
    assert_eq!(by_search, by_read, "search and read agree");
    assert_eq!(total as usize, by_read.len(), "the search total counts only what may be seen");
    assert_eq!(by_suggestion, by_read, "suggestions and read agree");
    by_read
}

on_both!(every_audience_reaches_exactly_its_companies, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, sub, fabrikam) = companies(&app, &tech).await;
    let mut made = Vec::new();
    for (title, audience, publish) in [
        ("Quokka for all", json!({"kind": "all_companies"}), true),
        ("Quokka for Contoso", json!({"kind": "companies", "company_ids": [contoso]}), true),
        ("Quokka for the subsidiary", json!({"kind": "companies", "company_ids": [sub, fabrikam]}), true),
        ("Quokka in emea", json!({"kind": "territory", "territory": "emea"}), true),
        ("Quokka in DACH", json!({"kind": "territory", "territory": "DACH"}), true),
        ("Quokka for managed", json!({"kind": "classification", "classification": "MANAGED"}), true),
        ("Quokka for premium", json!({"kind": "classification", "classification": "premium"}), true),
        ("Quokka internal", json!({"kind": "internal"}), true),
        ("Quokka draft", json!({"kind": "all_companies"}), false),
    ] {
        made.push(article(&app, &tech, title, "About quokkas.", audience, publish).await);
    }
    let expect = |indexes: &[usize]| indexes.iter().map(|i| made[*i]).collect::<BTreeSet<i64>>();

    let pat = app.token("pat.user@demo.example").await;
    assert_eq!(seen(&app, &pat, contoso, &made, "quokka").await, expect(&[0, 1, 3, 5]), "Contoso: EMEA, managed");
    let sam = app.token("sam.sub@demo.example").await;
    assert_eq!(seen(&app, &sam, sub, &made, "quokka").await, expect(&[0, 2, 4, 6]), "subsidiary: DACH, premium");
    // One login, two companies: each company's view, and Fabrikam's knowledge base is off.
    let morgan = app.token("morgan.multi@demo.example").await;
    assert_eq!(seen(&app, &morgan, contoso, &made, "quokka").await, expect(&[0, 1, 3, 5]));
    problem(app.get(&format!("/api/v1/companies/{fabrikam}/kb/articles"), &morgan).await, 403).await;
    // A company that is not the caller's is 404, articles or not.
    problem(app.get(&format!("/api/v1/companies/{sub}/kb/articles"), &pat).await, 404).await;
    problem(app.get(&format!("/api/v1/companies/{sub}/kb/articles/{}", made[2]), &pat).await, 404).await;
});

on_both!(knowledge_base_switched_off_is_403_for_every_route, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &admin).await;
    let id =
        article(&app, &admin, "Platypus for all", "About platypuses.", json!({"kind": "all_companies"}), true).await;
    let fred = app.token("fred.fabrikam@demo.example").await;
    let base = format!("/api/v1/companies/{fabrikam}/kb");
    for path in [
        format!("{base}/articles"),
        format!("{base}/articles/{id}"),
        format!("{base}/categories"),
        format!("{base}/search?q=platypus"),
    ] {
        let body = problem(app.get(&path, &fred).await, 403).await;
        assert!(body["detail"].as_str().unwrap().contains("switched off"), "{path}: {body}");
    }
    problem(app.post(&format!("{base}/suggestions"), Some(&fred), json!({"title": "platypus"})).await, 403).await;
    let res = app.send(Method::PUT, &format!("{base}/articles/{id}/feedback"), &fred, json!({"helpful": true})).await;
    problem(res, 403).await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/kb/articles"), &fred).await, 404).await;

    // Switched on for Fabrikam: the same token reads at once.
    let res = app
        .send(
            Method::PUT,
            &format!("/api/v1/companies/{fabrikam}/settings"),
            &admin,
            json!({"knowledge_base_enabled": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(listed(&app, &fred, fabrikam).await.contains(&id));
    assert_eq!(searched(&app, &fred, fabrikam, "platypus").await, (vec![id], 1));
});

on_both!(drafts_and_internal_articles_stay_hidden_from_customers, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let res = app.post("/api/v1/kb/categories", Some(&tech), json!({"name": "Wombats"})).await;
    let category = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mut made = Vec::new();
    for (title, audience, publish) in [
        ("Wombat guide", json!({"kind": "all_companies"}), true),
        ("Wombat draft", json!({"kind": "all_companies"}), false),
        ("Wombat internal", json!({"kind": "internal"}), true),
    ] {
        let res = app
            .post(
                "/api/v1/kb/articles",
                Some(&tech),
                json!({"title": title, "body": "wombat burrows", "category_id": category, "audience": audience}),
            )
            .await;
        let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        if publish {
            app.post(&format!("/api/v1/kb/articles/{id}/publish"), Some(&tech), json!({})).await;
        }
        made.push(id);
    }
    let pat = app.token("pat.plus@demo.example").await;
    assert_eq!(seen(&app, &pat, contoso, &made, "wombat").await, BTreeSet::from([made[0]]));
    let cats: Value = app.get(&format!("/api/v1/companies/{contoso}/kb/categories"), &pat).await.json().await.unwrap();
    let wombats = cats["items"].as_array().unwrap().iter().find(|c| c["id"] == category).unwrap();
    assert_eq!(wombats["article_count"], 1, "counts obey visibility too");
    // Browsing by category shows the same.
    let page: Value = app
        .get(&format!("/api/v1/companies/{contoso}/kb/articles?category_id={category}"), &pat)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&page["items"]), BTreeSet::from([made[0]]));

    // Staff see all three, and can narrow by status.
    let staff: Value = app.get("/api/v1/kb/search?q=wombat", &tech).await.json().await.unwrap();
    assert_eq!(staff["total"], 3);
    let drafts: Value = app.get("/api/v1/kb/search?q=wombat&status=draft", &tech).await.json().await.unwrap();
    assert_eq!(ids(&drafts["items"]), BTreeSet::from([made[1]]));
    let cats: Value = app.get("/api/v1/kb/categories", &tech).await.json().await.unwrap();
    assert_eq!(cats["items"].as_array().unwrap().iter().find(|c| c["id"] == category).unwrap()["article_count"], 3);

    // Withdrawn, the guide disappears everywhere, its category with it.
    app.post(&format!("/api/v1/kb/articles/{}/unpublish", made[0]), Some(&tech), json!({})).await;
    assert!(seen(&app, &pat, contoso, &made, "wombat").await.is_empty());
    let cats: Value = app.get(&format!("/api/v1/companies/{contoso}/kb/categories"), &pat).await.json().await.unwrap();
    assert!(!cats["items"].as_array().unwrap().iter().any(|c| c["id"] == category));
});

on_both!(customers_cannot_write_and_other_tenants_see_nothing, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let id = article(&app, &tech, "Echidna basics", "About echidnas.", json!({"kind": "all_companies"}), true).await;
    let cats: Value = app.get("/api/v1/kb/categories", &tech).await.json().await.unwrap();
    let category = cats["items"][0]["id"].as_i64().unwrap();

    let paula = app.token("paula.admin@demo.example").await;
    let new = json!({"title": "Mine", "body": "x", "audience": {"kind": "all_companies"}});
    problem(app.post("/api/v1/kb/articles", Some(&paula), new.clone()).await, 403).await;
    problem(app.get("/api/v1/kb/articles", &paula).await, 403).await;
    problem(app.get(&format!("/api/v1/kb/articles/{id}"), &paula).await, 403).await;
    problem(app.send(Method::PATCH, &format!("/api/v1/kb/articles/{id}"), &paula, json!({"title": "x"})).await, 403)
        .await;
    problem(app.post(&format!("/api/v1/kb/articles/{id}/unpublish"), Some(&paula), json!({})).await, 403).await;
    problem(app.request(Method::DELETE, &format!("/api/v1/kb/articles/{id}"), Some(&paula)).send().await.unwrap(), 403)
        .await;
    problem(app.get(&format!("/api/v1/kb/articles/{id}/revisions"), &paula).await, 403).await;
    problem(app.get("/api/v1/kb/search?q=echidna", &paula).await, 403).await;
    problem(app.post("/api/v1/kb/categories", Some(&paula), json!({"name": "Mine"})).await, 403).await;
    problem(
        app.send(Method::PATCH, &format!("/api/v1/kb/categories/{category}"), &paula, json!({"name": "x"})).await,
        403,
    )
    .await;
    // Staff have no company membership: the customer routes are not theirs.
    problem(app.get(&format!("/api/v1/companies/{contoso}/kb/articles"), &tech).await, 404).await;
    let still: Value = app.get(&format!("/api/v1/kb/articles/{id}"), &tech).await.json().await.unwrap();
    assert_eq!((still["title"].as_str(), still["status"].as_str()), (Some("Echidna basics"), Some("published")));

    let other = app.other_tenant_admin().await;
    problem(app.get(&format!("/api/v1/kb/articles/{id}"), &other).await, 404).await;
    problem(app.send(Method::PATCH, &format!("/api/v1/kb/articles/{id}"), &other, json!({"title": "x"})).await, 404)
        .await;
    problem(app.post(&format!("/api/v1/kb/articles/{id}/unpublish"), Some(&other), json!({})).await, 404).await;
    problem(app.request(Method::DELETE, &format!("/api/v1/kb/articles/{id}"), Some(&other)).send().await.unwrap(), 404)
        .await;
    problem(app.get(&format!("/api/v1/kb/articles/{id}/revisions"), &other).await, 404).await;
    problem(app.get(&format!("/api/v1/kb/articles/{id}/revisions/1"), &other).await, 404).await;
    problem(
        app.request(Method::DELETE, &format!("/api/v1/kb/categories/{category}"), Some(&other)).send().await.unwrap(),
        404,
    )
    .await;
    let list: Value = app.get("/api/v1/kb/articles", &other).await.json().await.unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
    let found: Value = app.get("/api/v1/kb/search?q=echidna", &other).await.json().await.unwrap();
    assert_eq!(found["total"], 0);
    let cats: Value = app.get("/api/v1/kb/categories", &other).await.json().await.unwrap();
    assert!(cats["items"].as_array().unwrap().is_empty());
    let theirs = json!({"title": "T", "body": "x", "category_id": category, "audience": {"kind": "all_companies"}});
    problem(app.post("/api/v1/kb/articles", Some(&other), theirs).await, 422).await;
    let theirs = json!({"title": "T", "body": "x", "audience": {"kind": "companies", "company_ids": [contoso]}});
    problem(app.post("/api/v1/kb/articles", Some(&other), theirs).await, 422).await;
    problem(app.post("/api/v1/kb/categories", Some(&other), json!({"name": "X", "parent_id": category})).await, 422)
        .await;
});

on_both!(a_title_match_ranks_above_a_body_match_and_words_are_stemmed, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let all = json!({"kind": "all_companies"});
    let body_only = article(
        &app,
        &tech,
        "Other things entirely",
        "This page mentions the xylograph in passing, and the xylograph again at the end.",
        all.clone(),
        true,
    )
    .await;
    let in_title = article(&app, &tech, "Xylograph basics", "Nothing else to say here.", all.clone(), true).await;
    let pat = app.token("pat.user@demo.example").await;
    let res = app.get(&format!("/api/v1/companies/{contoso}/kb/search?q=xylograph"), &pat).await;
    let page: Value = res.json().await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(
        items.iter().map(|h| h["id"].as_i64().unwrap()).collect::<Vec<_>>(),
        [in_title, body_only],
        "title match first"
    );
    assert!(items[0]["score"].as_f64().unwrap() > items[1]["score"].as_f64().unwrap());
    assert_eq!(items[0]["highlighted_title"], "<mark>Xylograph</mark> basics");
    assert!(items[1]["snippet"].as_str().unwrap().contains("<mark>xylograph</mark>"), "{}", items[1]["snippet"]);
    // Suggestions rank the same way.
    assert_eq!(suggested(&app, &pat, contoso, "xylograph", "").await, [in_title, body_only]);

    let restarting = article(
        &app,
        &tech,
        "Kiosk keeps restarting",
        "When the <kiosk> terminal restarts & loops, unplug it.",
        all.clone(),
        true,
    )
    .await;
    let restart = article(&app, &tech, "Capacitor care", "Restart the capacitor gently.", all, true).await;
    assert_eq!(searched(&app, &pat, contoso, "restart kiosk").await.0, [restarting]);
    assert_eq!(searched(&app, &pat, contoso, "restarting capacitor").await.0, [restart]);
    assert_eq!(searched(&app, &pat, contoso, "RESTARTS Kiosk").await.0, [restarting]);
    // Snippets are HTML-escaped around the marks: no markup from the article gets through
    // (PostgreSQL's headline drops what looks like a tag, SQLite's snippet escapes it).
    let page: Value =
        app.get(&format!("/api/v1/companies/{contoso}/kb/search?q=unplug"), &pat).await.json().await.unwrap();
    let snippet = page["items"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("&amp;") && snippet.contains("<mark>unplug</mark>"), "{snippet}");
    let unmarked = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(!unmarked.contains('<') && !unmarked.contains('>'), "{snippet}");
});

on_both!(search_filters_paging_and_odd_input, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let res = app.post("/api/v1/kb/categories", Some(&tech), json!({"name": "Oceans"})).await;
    let oceans = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let all = json!({"kind": "all_companies"});
    let mut made = Vec::new();
    for (title, tags, category, language) in [
        ("Narwhal tusk facts", json!(["sea"]), Some(oceans), "en"),
        ("Narwhal migration", json!(["sea", "arctic"]), None, "en"),
        ("Narwhal in the lab", json!([]), None, "en"),
        ("Le narwhal", json!([]), None, "fr"),
    ] {
        let res = app
            .post(
                "/api/v1/kb/articles",
                Some(&tech),
                json!({"title": title, "body": "Text.", "tags": tags, "category_id": category, "language": language,
                    "audience": all}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/kb/articles/{id}/publish"), Some(&tech), json!({})).await;
        made.push(id);
    }
    let pat = app.token("pat.user@demo.example").await;
    let base = format!("/api/v1/companies/{contoso}/kb/search");
    let get = |query: String| {
        let (app, pat) = (&app, &pat);
        async move { app.get(&query, pat).await.json::<Value>().await.unwrap() }
    };
    assert_eq!(ids(&get(format!("{base}?q=narwhal&tag=SEA")).await["items"]), BTreeSet::from([made[0], made[1]]));
    assert_eq!(ids(&get(format!("{base}?q=narwhal&category_id={oceans}")).await["items"]), BTreeSet::from([made[0]]));
    assert_eq!(ids(&get(format!("{base}?q=narwhal&language=fr")).await["items"]), BTreeSet::from([made[3]]));
    assert_eq!(ids(&get(format!("{base}?q=narwhal%20-sea")).await["items"]), BTreeSet::from([made[2], made[3]]));
    assert_eq!(ids(&get(format!("{base}?q=%22narwhal%20tusk%22")).await["items"]), BTreeSet::from([made[0]]));
    assert_eq!(ids(&get(format!("{base}?q=tusk%20or%20migration")).await["items"]), BTreeSet::from([made[0], made[1]]));
    // "sea" is a Spanish stop word: it still counts for articles in other languages.
    assert_eq!(ids(&get(format!("{base}?q=sea%20narwhal")).await["items"]), BTreeSet::from([made[0], made[1]]));
    let list: Value =
        app.get(&format!("/api/v1/companies/{contoso}/kb/articles?tag=arctic"), &pat).await.json().await.unwrap();
    assert_eq!(ids(&list["items"]), BTreeSet::from([made[1]]));

    // Paging: one by one, four results, each once.
    let mut seen = BTreeSet::new();
    let mut path = format!("{base}?q=narwhal&limit=1");
    loop {
        let page = get(path.clone()).await;
        assert_eq!(page["total"], 4);
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert!(seen.insert(page["items"][0]["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("{base}?q=narwhal&limit=1&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4);

    // Whatever is typed, the answer is a result or a clear 422, never a 500.
    for odd in [
        "NEAR(narwhal \"",
        "narwhal\" OR -\"",
        "title:narwhal*",
        "narwhal AND OR NOT",
        "(narwhal",
        "narwhal's",
        "'; DROP TABLE kb_articles; --",
        "narwhal \\ ^ ~ ! & | < > ( ) { } [ ]",
        "\u{E000}narwhal\u{E001}",
        "ünïcödé narwhal 🙂",
    ] {
        let res = app.get(&format!("{base}?q={}", url_encode(odd)), &pat).await;
        assert_eq!(res.status(), 200, "{odd:?}");
        let res = app.get(&format!("/api/v1/kb/search?q={}", url_encode(odd)), &tech).await;
        assert_eq!(res.status(), 200, "staff {odd:?}");
    }
    for bad in [
        base.clone(),
        format!("{base}?q="),
        format!("{base}?q=%20%20"),
        format!("{base}?q=***"),
        format!("{base}?q=-narwhal"),
        format!("{base}?q={}", "a".repeat(201)),
        format!("{base}?q=narwhal&limit=51"),
        format!("{base}?q=narwhal&cursor=garbage"),
        format!("{base}?q=narwhal&language=nl"),
        format!("{base}?q=narwhal&tag=two%20words"),
        format!("{base}?q=narwhal&category_id=abc"),
    ] {
        problem(app.get(&bad, &pat).await, 422).await;
    }
    // No significant word in a draft ticket: no suggestion, not an error.
    assert!(suggested(&app, &pat, contoso, "it is on", "and the").await.is_empty());
});

on_both!(revisions_are_kept_and_if_match_is_honoured, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let admin = app.token("admin@demo.example").await;
    let me = |token: String| {
        let app = &app;
        async move { app.get("/api/v1/me", &token).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap() }
    };
    let (tech_id, admin_id) = (me(tech.clone()).await, me(admin.clone()).await);
    let id = article(&app, &tech, "First title", "First body.", json!({"kind": "all_companies"}), false).await;
    let path = format!("/api/v1/kb/articles/{id}");
    let res = app.get(&path, &admin).await;
    assert_eq!(res.headers()["etag"], "\"1\"");

    let res = app
        .request(Method::PATCH, &path, Some(&admin))
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Second title", "tags": ["Edited"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let body: Value = res.json().await.unwrap();
    assert_eq!((body["created_by"].as_i64(), body["updated_by"].as_i64()), (Some(tech_id), Some(admin_id)));
    assert_eq!(body["body"], "First body.", "fields not sent are kept");
    assert_eq!(body["tags"], json!(["edited"]));

    // A change based on revision 1 is refused and changes nothing.
    let res = app
        .request(Method::PATCH, &path, Some(&tech))
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Lost update"}))
        .send()
        .await
        .unwrap();
    problem(res, 412).await;
    let res = app.request(Method::POST, &format!("{path}/publish"), Some(&tech)).header("if-match", "\"1\"").send();
    problem(res.await.unwrap(), 412).await;
    let current: Value = app.get(&path, &tech).await.json().await.unwrap();
    assert_eq!((current["title"].as_str(), current["revision"].as_i64()), (Some("Second title"), Some(2)));

    let res = app.post(&format!("{path}/publish"), Some(&tech), json!({})).await;
    assert_eq!(res.headers()["etag"], "\"3\"");
    // Publishing again changes nothing.
    let res = app.post(&format!("{path}/publish"), Some(&tech), json!({})).await;
    assert_eq!(res.headers()["etag"], "\"3\"");

    let list: Value = app.get(&format!("{path}/revisions"), &tech).await.json().await.unwrap();
    let numbers: Vec<i64> = list["items"].as_array().unwrap().iter().map(|r| r["revision"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(list["items"][0]["status"], "published");
    assert_eq!(list["items"][1]["edited_by"].as_i64(), Some(admin_id));
    let first: Value = app.get(&format!("{path}/revisions/1"), &tech).await.json().await.unwrap();
    assert_eq!(
        (first["title"].as_str(), first["body"].as_str(), first["status"].as_str(), first["edited_by"].as_i64()),
        (Some("First title"), Some("First body."), Some("draft"), Some(tech_id))
    );
    assert_eq!(first["audience"], json!({"kind": "all_companies"}));
    problem(app.get(&format!("{path}/revisions/99"), &tech).await, 404).await;
    let page: Value = app.get(&format!("{path}/revisions?limit=2"), &tech).await.json().await.unwrap();
    let next: Value = app
        .get(&format!("{path}/revisions?limit=2&cursor={}", page["next_cursor"].as_str().unwrap()), &tech)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["revision"], 1);

    let events: Value = app.get("/api/v1/audit-events?action=kb_article_published", &admin).await.json().await.unwrap();
    assert!(events["items"].as_array().unwrap().iter().any(|e| e["target"] == format!("kb_article:{id}")));

    let res = app.request(Method::DELETE, &path, Some(&tech)).header("if-match", "\"2\"").send().await.unwrap();
    problem(res, 412).await;
    let res = app.request(Method::DELETE, &path, Some(&tech)).header("if-match", "\"3\"").send().await.unwrap();
    assert_eq!(res.status(), 204);
    problem(app.get(&path, &tech).await, 404).await;
    problem(app.get(&format!("{path}/revisions"), &tech).await, 404).await;
    let events: Value = app.get("/api/v1/audit-events?action=kb_article_deleted", &admin).await.json().await.unwrap();
    assert_eq!(events["items"][0]["actor_user_id"].as_i64(), Some(tech_id));
});

async fn stats(app: &TestApp, staff: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/kb/articles/{id}"), staff).await.json::<Value>().await.unwrap()["stats"].clone()
}

async fn staff_count(app: &TestApp, staff: &str) -> usize {
    let page: Value = app.get("/api/v1/kb/articles?limit=200", staff).await.json().await.unwrap();
    page["items"].as_array().unwrap().len()
}

on_both!(feedback_is_once_per_user_and_changeable_and_reads_are_counted, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let id = article(&app, &tech, "Dingo handling", "Careful.", json!({"kind": "all_companies"}), true).await;
    let draft = article(&app, &tech, "Dingo draft", "Not yet.", json!({"kind": "all_companies"}), false).await;
    let read = format!("/api/v1/companies/{contoso}/kb/articles/{id}");
    let feedback = format!("{read}/feedback");
    let pat = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    for token in [&pat, &pat, &plus] {
        assert_eq!(app.get(&read, token).await.status(), 200);
    }
    assert_eq!(stats(&app, &tech, id).await, json!({"views": 3, "helpful": 0, "not_helpful": 0}));

    assert_eq!(app.send(Method::PUT, &feedback, &pat, json!({"helpful": true})).await.status(), 200);
    assert_eq!(stats(&app, &tech, id).await["helpful"], 1);
    assert_eq!(app.send(Method::PUT, &feedback, &pat, json!({"helpful": false})).await.status(), 200);
    assert_eq!(app.send(Method::PUT, &feedback, &pat, json!({"helpful": false})).await.status(), 200);
    assert_eq!(app.send(Method::PUT, &feedback, &plus, json!({"helpful": true})).await.status(), 200);
    let s = stats(&app, &tech, id).await;
    assert_eq!((s["helpful"].as_i64(), s["not_helpful"].as_i64()), (Some(1), Some(1)), "one answer per user");
    let mine: Value = app.get(&read, &pat).await.json().await.unwrap();
    assert_eq!(mine["my_feedback"], false);
    let list: Value = app.get("/api/v1/kb/articles?limit=200", &tech).await.json().await.unwrap();
    let listed = list["items"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap();
    assert_eq!(listed["stats"], json!({"views": 4, "helpful": 1, "not_helpful": 1}));

    problem(app.send(Method::PUT, &feedback, &pat, json!({"helpful": "yes"})).await, 422).await;
    problem(app.send(Method::PUT, &feedback, &pat, json!({"helpful": true, "stars": 5})).await, 422).await;
    let draft_feedback = format!("/api/v1/companies/{contoso}/kb/articles/{draft}/feedback");
    problem(app.send(Method::PUT, &draft_feedback, &pat, json!({"helpful": true})).await, 404).await;
    problem(app.get(&format!("/api/v1/companies/{contoso}/kb/articles/{draft}"), &pat).await, 404).await;
    let s = stats(&app, &tech, id).await;
    assert_eq!((s["views"].as_i64(), s["helpful"].as_i64()), (Some(4), Some(1)), "refusals change nothing");
});

on_both!(bad_input_is_refused_and_changes_nothing, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let before = staff_count(&app, &tech).await;
    let good = json!({"title": "T", "body": "B", "audience": {"kind": "all_companies"}});
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    for (bad, field) in [
        (with("colour", json!("red")), "colour"),
        (with("title", json!("x".repeat(201))), "title"),
        (with("title", json!("   ")), "title"),
        (with("body", json!("")), "body"),
        (with("body", json!("x".repeat(50_001))), "body"),
        (with("summary", json!("x".repeat(501))), "summary"),
        (with("tags", json!(vec!["t"; 21])), "tags"),
        (with("tags", json!(["two words"])), "tags"),
        (with("language", json!("nl")), "language"),
        (with("category_id", json!(999999)), "category_id"),
        (with("audience", json!({"kind": "everyone"})), "audience"),
        (with("audience", json!({"kind": "companies", "company_ids": []})), "/audience/company_ids"),
        (with("audience", json!({"kind": "companies", "company_ids": [999999]})), "/audience/company_ids"),
        (with("audience", json!({"kind": "territory", "territory": " "})), "/audience/territory"),
        (with("audience", json!({"kind": "territory"})), "audience"),
        (with("audience", json!({"kind": "internal", "territory": "EMEA"})), "audience"),
    ] {
        let res = app.post("/api/v1/kb/articles", Some(&tech), bad.clone()).await;
        assert_eq!(res.status(), 422, "{bad}");
        let body = problem(res, 422).await;
        assert!(crate::harness::fault(&body, field).is_some(), "{bad}: {body}");
    }
    assert_eq!(staff_count(&app, &tech).await, before, "no article was created");

    let id = article(&app, &tech, "Bilby", "Body.", json!({"kind": "all_companies"}), false).await;
    let path = format!("/api/v1/kb/articles/{id}");
    for bad in [json!({"title": ""}), json!({"body": "x", "author": 1}), json!({"category_id": 999999})] {
        problem(app.send(Method::PATCH, &path, &tech, bad).await, 422).await;
    }
    let current: Value = app.get(&path, &tech).await.json().await.unwrap();
    assert_eq!((current["title"].as_str(), current["revision"].as_i64()), (Some("Bilby"), Some(1)));

    let suggest = format!("/api/v1/companies/{contoso}/kb/suggestions");
    let pat = app.token("pat.user@demo.example").await;
    for bad in [json!({"title": ""}), json!({"title": "x", "body": "y"}), json!({"title": "x", "limit": 11})] {
        problem(app.post(&suggest, Some(&pat), bad).await, 422).await;
    }
    problem(app.post("/api/v1/kb/categories", Some(&tech), json!({"name": ""})).await, 422).await;
    problem(app.post("/api/v1/kb/categories", Some(&tech), json!({"name": "X", "parent_id": 999999})).await, 422).await;
    problem(app.get("/api/v1/kb/articles?status=gone", &tech).await, 422).await;
    problem(app.get("/api/v1/kb/articles?audience=everyone", &tech).await, 422).await;
});

on_both!(categories_form_a_tree_without_cycles, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let create = |name: &str, parent: Option<i64>| {
        let (app, tech, body) = (&app, &tech, json!({"name": name, "parent_id": parent}));
        async move {
            let res = app.post("/api/v1/kb/categories", Some(tech), body).await;
            assert_eq!(res.status(), 201);
            res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    let a = create("Alpha", None).await;
    let b = create("Beta", Some(a)).await;
    let c = create("Gamma", Some(b)).await;
    let patch = |id: i64, body: Value| {
        let (app, tech) = (&app, &tech);
        async move { app.send(Method::PATCH, &format!("/api/v1/kb/categories/{id}"), tech, body).await }
    };
    problem(patch(a, json!({"parent_id": c})).await, 422).await;
    problem(patch(a, json!({"parent_id": a})).await, 422).await;
    problem(patch(a, json!({"parent_id": 999999})).await, 422).await;
    problem(app.post("/api/v1/kb/categories", Some(&tech), json!({"name": "beta", "parent_id": a})).await, 409).await;
    let moved: Value = patch(c, json!({"parent_id": a, "name": "Gamma moved"})).await.json().await.unwrap();
    assert_eq!((moved["parent_id"].as_i64(), moved["name"].as_str()), (Some(a), Some("Gamma moved")));
    let back: Value = patch(c, json!({"parent_id": null})).await.json().await.unwrap();
    assert!(back["parent_id"].is_null());

    let res = app
        .post(
            "/api/v1/kb/articles",
            Some(&tech),
            json!({"title": "Filed in Beta", "body": "x", "category_id": b, "audience": {"kind": "all_companies"}}),
        )
        .await;
    let article = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/kb/articles/{article}/publish"), Some(&tech), json!({})).await;
    let delete = |id: i64| {
        let (app, tech) = (&app, &tech);
        async move { app.request(Method::DELETE, &format!("/api/v1/kb/categories/{id}"), Some(tech)).send().await.unwrap() }
    };
    problem(delete(a).await, 409).await;
    problem(delete(b).await, 409).await;
    assert_eq!(delete(c).await.status(), 204);
    problem(delete(c).await, 404).await;

    // Customers see the categories that lead to what they may read, counted with subcategories.
    let pat = app.token("pat.user@demo.example").await;
    let cats: Value = app.get(&format!("/api/v1/companies/{contoso}/kb/categories"), &pat).await.json().await.unwrap();
    let count =
        |id: i64| cats["items"].as_array().unwrap().iter().find(|c| c["id"] == id).map(|c| c["article_count"].clone());
    assert_eq!((count(a), count(b)), (Some(json!(1)), Some(json!(1))));
    let names: Vec<&str> = cats["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"Getting started") && names.contains(&"Remote work") && names.contains(&"VPN"),
        "{names:?}"
    );
    assert!(!names.contains(&"Printing"), "only a DACH article there: {names:?}");
});

// Customers' answers are cached per server (see `crates/app/src/cache/kb_answers.rs`): each kind of
// article change must show in the very next search and suggestion, and the same question asked
// twice must get the same answer.
on_both!(cached_answers_follow_every_article_change, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, sub, _) = companies(&app, &tech).await;
    let pat = app.token("pat.plus@demo.example").await;
    let ask = |token: String, company: i64| {
        let app = &app;
        async move {
            let (hits, total) = searched(app, &token, company, "numbat").await;
            let again = searched(app, &token, company, "numbat").await;
            assert_eq!((hits.clone(), total), again, "the same question, the same answer");
            let suggestions = suggested(app, &token, company, "numbat", "").await;
            assert_eq!(suggestions, suggested(app, &token, company, "numbat", "").await);
            let hits: BTreeSet<i64> = hits.into_iter().collect();
            assert_eq!(suggestions.into_iter().collect::<BTreeSet<i64>>(), hits, "suggestions and search agree");
            assert_eq!(total as usize, hits.len());
            hits
        }
    };
    assert!(ask(pat.clone(), contoso).await.is_empty());

    // Published: seen at once.
    let a = article(&app, &tech, "Numbat care", "All about numbats.", json!({"kind": "all_companies"}), true).await;
    assert_eq!(ask(pat.clone(), contoso).await, BTreeSet::from([a]));
    // Another company's cached answer is its own.
    let sam = app.token("sam.sub@demo.example").await;
    assert_eq!(ask(sam.clone(), sub).await, BTreeSet::from([a]));

    // Edited so that the word is gone: no longer found.
    let path = format!("/api/v1/kb/articles/{a}");
    let edit = |body: Value| {
        let (app, path, tech) = (&app, &path, &tech);
        async move {
            let res = app.request(Method::PATCH, path, Some(tech)).json(&body).send().await.unwrap();
            assert_eq!(res.status(), 200, "edit {body}");
        }
    };
    edit(json!({"title": "Termite care", "body": "All about termites."})).await;
    assert!(ask(pat.clone(), contoso).await.is_empty());
    edit(json!({"title": "Numbat care", "body": "All about numbats."})).await;
    assert_eq!(ask(pat.clone(), contoso).await, BTreeSet::from([a]));

    // Narrowed to the subsidiary: gone for Contoso, still there for the subsidiary.
    edit(json!({"audience": {"kind": "companies", "company_ids": [sub]}})).await;
    assert!(ask(pat.clone(), contoso).await.is_empty());
    assert_eq!(ask(sam.clone(), sub).await, BTreeSet::from([a]));

    // Withdrawn, then deleted.
    let res = app.post(&format!("{path}/unpublish"), Some(&tech), json!({})).await;
    assert_eq!(res.status(), 200);
    assert!(ask(sam.clone(), sub).await.is_empty());
    let res = app.post(&format!("{path}/publish"), Some(&tech), json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(ask(sam.clone(), sub).await, BTreeSet::from([a]));
    let res = app.request(Method::DELETE, &path, Some(&tech)).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert!(ask(sam, sub).await.is_empty());
});
