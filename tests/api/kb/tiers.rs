//! Two-tier search: head matches (title, summary, tags) before body-only matches, each ranked
//! among themselves; paging across the tier boundary; totals that follow visibility and say when
//! they are a lower bound; text with markup indexed and highlighted as written, alike on both
//! databases.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{article, companies, url_encode};
use crate::harness::TestApp;
use crate::on_both;

/// Creates and publishes an article with the given fields; returns its id.
async fn full_article(app: &TestApp, staff: &str, fields: Value) -> i64 {
    let res = app.post("/api/v1/kb/articles", Some(staff), fields.clone()).await;
    assert_eq!(res.status(), 201, "create {fields}");
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app.post(&format!("/api/v1/kb/articles/{id}/publish"), Some(staff), json!({})).await;
    assert_eq!(res.status(), 200);
    id
}

async fn page(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

fn hit_ids(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()).collect()
}

on_both!(title_summary_and_tag_matches_come_before_body_only_matches, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let all = json!({"kind": "all_companies"});
    // The body-only article says the word most often and is the newest: it still comes last.
    let in_title =
        full_article(&app, &tech, json!({"title": "Zephyrine setup", "body": "Nothing else here.", "audience": all}))
            .await;
    let in_summary = full_article(
        &app,
        &tech,
        json!({"title": "Second page", "summary": "How the zephyrine is set up on a new laptop for the office",
            "body": "Nothing else here.", "audience": all}),
    )
    .await;
    let in_tags = full_article(
        &app,
        &tech,
        json!({"title": "Third page", "tags": ["zephyrine", "laptops", "setup", "office"], "body": "Nothing else here.",
            "audience": all}),
    )
    .await;
    let in_body = full_article(
        &app,
        &tech,
        json!({"title": "Fourth page", "body": "Zephyrine. The zephyrine, and zephyrine again.", "audience": all}),
    )
    .await;
    let pat = app.token("pat.user@demo.example").await;
    let base = format!("/api/v1/companies/{contoso}/kb/search?q=zephyrine");
    let found = page(&app, &pat, &base).await;
    let ids = hit_ids(&found);
    assert_eq!(ids.len(), 4, "{found}");
    assert_eq!(ids[0], in_title, "the title weighs most");
    assert_eq!(ids[1..3].iter().copied().collect::<BTreeSet<_>>(), BTreeSet::from([in_summary, in_tags]));
    assert_eq!(ids[3], in_body, "the body-only match comes after every head match");
    let matched: Vec<&str> =
        found["items"].as_array().unwrap().iter().map(|h| h["matched_in"].as_str().unwrap()).collect();
    assert_eq!(matched, ["head", "head", "head", "body"]);
    let scores: Vec<f64> = found["items"].as_array().unwrap().iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "scores fall down the page: {scores:?}");
    assert!(scores[2] > 1.0 && scores[3] < 1.0, "{scores:?}");
    assert_eq!(found["total"], 4);
    assert_eq!(found["total_is_lower_bound"], false);
    assert_eq!(found["items"][0]["highlighted_title"], "<mark>Zephyrine</mark> setup");
    // Staff search and suggestions use the same tiers.
    let staff: Value = page(&app, &tech, "/api/v1/kb/search?q=zephyrine").await;
    assert_eq!(hit_ids(&staff)[0], in_title);
    assert_eq!(*hit_ids(&staff).last().unwrap(), in_body);
    let res = app
        .post(
            &format!("/api/v1/companies/{contoso}/kb/suggestions"),
            Some(&pat),
            json!({"title": "zephyrine", "limit": 10}),
        )
        .await;
    let suggested = hit_ids(&res.json::<Value>().await.unwrap());
    assert_eq!(suggested.first(), Some(&in_title));
    assert_eq!(suggested.last(), Some(&in_body));
    // Exclusions still look at the whole article: a head match whose body holds the excluded
    // word is not found, in either tier.
    let excluded = page(&app, &pat, &format!("{base}%20-laptop")).await;
    assert_eq!(hit_ids(&excluded).into_iter().collect::<BTreeSet<_>>(), BTreeSet::from([in_title, in_body]));
    let with_body = full_article(
        &app,
        &tech,
        json!({"title": "Zephyrine for printers", "body": "Not for a laptop.", "audience": all}),
    )
    .await;
    let excluded = page(&app, &pat, &format!("{base}%20-laptop")).await;
    assert!(!hit_ids(&excluded).contains(&with_body), "{excluded}");
    assert_eq!(excluded["total"], 2);
});

on_both!(within_a_tier_the_more_relevant_comes_first, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let all = json!({"kind": "all_companies"});
    let filler = "Nothing about it at all in this sentence, which goes on for a while about other things. ";
    // Created weaker first, so that neither id nor age decides.
    let weak_body = article(
        &app,
        &tech,
        "Alpha notes",
        &format!("{} gorblet once. {}", filler.repeat(3), filler.repeat(3)),
        all.clone(),
        true,
    )
    .await;
    let strong_body = article(&app, &tech, "Beta notes", "Gorblet, gorblet: the gorblet.", all.clone(), true).await;
    let weak_title = article(
        &app,
        &tech,
        "A long title about many other things and the gorblet too",
        "Nothing else here.",
        all.clone(),
        true,
    )
    .await;
    let strong_title = article(&app, &tech, "Gorblet: the gorblet guide", "Nothing else here.", all, true).await;
    let pat = app.token("pat.user@demo.example").await;
    let found = page(&app, &pat, &format!("/api/v1/companies/{contoso}/kb/search?q=gorblet")).await;
    assert_eq!(hit_ids(&found), [strong_title, weak_title, strong_body, weak_body], "{found}");
});

on_both!(paging_across_the_tier_boundary_returns_every_visible_match_once, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, fabrikam) = companies(&app, &tech).await;
    let all = json!({"kind": "all_companies"});
    let mut visible = BTreeSet::new();
    for i in 0..4 {
        visible.insert(article(&app, &tech, &format!("Quillon {i}"), "Text.", all.clone(), true).await);
    }
    for i in 0..5 {
        visible.insert(
            article(&app, &tech, &format!("Page {i}"), &format!("About the quillon, part {i}."), all.clone(), true)
                .await,
        );
    }
    // Matches the caller may not see, in both tiers: they count nowhere.
    let others = json!({"kind": "companies", "company_ids": [fabrikam]});
    article(&app, &tech, "Quillon for Fabrikam", "Text.", others.clone(), true).await;
    article(&app, &tech, "Fabrikam page", "The quillon.", others, true).await;
    article(&app, &tech, "Quillon internal", "Text.", json!({"kind": "internal"}), true).await;
    article(&app, &tech, "Draft page", "The quillon.", all.clone(), false).await;

    let pat = app.token("pat.user@demo.example").await;
    let base = format!("/api/v1/companies/{contoso}/kb/search?q=quillon");
    for limit in [1, 2, 3, 4, 5, 10] {
        let mut seen = Vec::new();
        let mut tiers = Vec::new();
        let mut path = format!("{base}&limit={limit}");
        loop {
            let p = page(&app, &pat, &path).await;
            assert_eq!(p["total"], 9, "limit {limit}: {p}");
            assert_eq!(p["total_is_lower_bound"], false);
            seen.extend(hit_ids(&p));
            tiers.extend(p["items"].as_array().unwrap().iter().map(|h| h["matched_in"].as_str().unwrap().to_owned()));
            match p["next_cursor"].as_str() {
                Some(c) => path = format!("{base}&limit={limit}&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 9, "limit {limit}: each once");
        assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>(), visible, "limit {limit}");
        assert_eq!(tiers, [vec!["head"; 4], vec!["body"; 5]].concat(), "limit {limit}");
    }
    // Staff see every match of the tenant, drafts and other audiences included.
    let staff = page(&app, &tech, "/api/v1/kb/search?q=quillon&limit=50").await;
    assert_eq!(staff["total"], 13);
});

on_both!(text_with_markup_is_found_and_highlighted_as_written, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let all = json!({"kind": "all_companies"});
    let pasted = article(
        &app,
        &tech,
        "Dashboard widget",
        "paste <script src=\"app.js\"> into the header, then reload the flumox dashboard",
        all.clone(),
        true,
    )
    .await;
    let titled = article(
        &app,
        &tech,
        "Use <script> tags carefully",
        "A word on <style> and <!-- comments -->.",
        all.clone(),
        true,
    )
    .await;
    let pat = app.token("pat.user@demo.example").await;
    let search = |q: &str| {
        let (app, pat) = (&app, &pat);
        let path = format!("/api/v1/companies/{contoso}/kb/search?q={}", url_encode(q));
        async move { page(app, pat, &path).await }
    };
    // The words next to and after the markup are indexed, in the body and in the title.
    let flumox = search("flumox").await;
    assert_eq!(hit_ids(&flumox), [pasted]);
    assert_eq!(hit_ids(&search("header").await), [pasted]);
    assert_eq!(hit_ids(&search("script").await).into_iter().collect::<BTreeSet<_>>(), BTreeSet::from([pasted, titled]));
    let carefully = search("carefully").await;
    assert_eq!(hit_ids(&carefully), [titled]);
    assert_eq!(hit_ids(&search("comments").await), [titled]);
    // The same escaped snippet and title on both databases: the markup kept, as text.
    assert_eq!(
        flumox["items"][0]["snippet"],
        "paste &lt;script src=&quot;app.js&quot;&gt; into the header, then reload the <mark>flumox</mark> dashboard"
    );
    assert_eq!(carefully["items"][0]["highlighted_title"], "Use &lt;script&gt; tags <mark>carefully</mark>");
    let header = search("header").await;
    assert_eq!(
        header["items"][0]["snippet"],
        "paste &lt;script src=&quot;app.js&quot;&gt; into the <mark>header</mark>, then reload the flumox dashboard"
    );
});

on_both!(both_databases_mark_the_same_terms, |app: TestApp| async move {
    let tech = app.token("tech@demo.example").await;
    let (contoso, _, _) = companies(&app, &tech).await;
    let all = json!({"kind": "all_companies"});
    let rd = article(&app, &tech, "R&D budget planning", "Plan the R&D budget for the year.", all.clone(), true).await;
    let pat = app.token("pat.user@demo.example").await;
    let found = page(&app, &pat, &format!("/api/v1/companies/{contoso}/kb/search?q={}", url_encode("R&D"))).await;
    assert_eq!(hit_ids(&found), [rd]);
    assert_eq!(found["items"][0]["highlighted_title"], "<mark>R</mark>&amp;<mark>D</mark> budget planning");
    // (Where a passage ends differs by database; the marks do not.)
    let snippet = found["items"][0]["snippet"].as_str().unwrap();
    assert!(snippet.starts_with("Plan the <mark>R</mark>&amp;<mark>D</mark> budget for the year"), "{snippet}");
    // A phrase is marked word by word on both.
    let phrase =
        page(&app, &pat, &format!("/api/v1/companies/{contoso}/kb/search?q={}", url_encode("\"budget planning\"")))
            .await;
    assert_eq!(phrase["items"][0]["highlighted_title"], "R&amp;D <mark>budget</mark> <mark>planning</mark>");
});

on_both!(the_total_is_a_lower_bound_only_when_the_body_tier_passes_its_bound, |app: TestApp| async move {
    use clientdesk_domain::ids::{TenantId, UserId};
    use clientdesk_domain::kb::{Audience, BODY_TIER_BOUND};
    use clientdesk_domain::user::Language;
    use clientdesk_persistence::schema::{kb_article_revisions, kb_articles};
    use clientdesk_persistence::{kb, write_tx};
    use diesel::prelude::*;

    let tech = app.token("tech@demo.example").await;
    let in_title = article(&app, &tech, "Wobbegong care", "Text.", json!({"kind": "internal"}), false).await;
    // As many drafts holding the word in their body only as the bound: written directly, as the
    // API writes them (one request each would take minutes).
    let db = app.state.db.clone();
    let made: Vec<i64> = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().unwrap();
        let tenant: i64 = kb_articles::table.find(in_title).select(kb_articles::tenant_id).first(&mut *conn).unwrap();
        let author: Option<i64> = kb_article_revisions::table
            .filter(kb_article_revisions::article_id.eq(in_title))
            .select(kb_article_revisions::edited_by)
            .first(&mut *conn)
            .unwrap();
        write_tx(&mut conn, |conn| -> Result<Vec<i64>, clientdesk_persistence::Error> {
            (0..BODY_TIER_BOUND)
                .map(|i| {
                    let fields = kb::ArticleFields {
                        category_id: None,
                        title: format!("Note {i}"),
                        summary: String::new(),
                        body: format!("The wobbegong, number {i}."),
                        tags: Vec::new(),
                        language: Language::En,
                        audience: Audience::Internal,
                    };
                    let now = chrono::Utc::now();
                    Ok(kb::create_article(conn, TenantId(tenant), &fields, UserId(author.unwrap()), now)?.id.0)
                })
                .collect()
        })
        .unwrap()
    })
    .await
    .unwrap();
    let search = |q: &'static str| {
        let (app, tech) = (&app, &tech);
        async move { page(app, tech, &format!("/api/v1/kb/search?q={q}&limit=50")).await }
    };
    // Exactly the bound: exact.
    let at = search("wobbegong").await;
    assert_eq!(at["total"], BODY_TIER_BOUND + 1, "{}", at["total"]);
    assert_eq!(at["total_is_lower_bound"], false);
    assert_eq!(hit_ids(&at)[0], in_title);
    // One more body-only match: the body tier passes the bound, the total says so.
    let one_more =
        article(&app, &tech, "Another note", "A wobbegong spotted.", json!({"kind": "internal"}), false).await;
    let past = search("wobbegong").await;
    assert_eq!(past["total"], BODY_TIER_BOUND + 1);
    assert_eq!(past["total_is_lower_bound"], true);
    assert_eq!(hit_ids(&past)[0], in_title, "the head match still comes first");
    // A narrower query below the bound is exact again.
    let narrow = search("wobbegong%20spotted").await;
    assert_eq!(narrow["total"], 1);
    assert_eq!(narrow["total_is_lower_bound"], false);
    assert_eq!(hit_ids(&narrow), [one_more]);
    assert_eq!(made.len() as i64, BODY_TIER_BOUND);
});
