//! Ticket lists: filters, sorts, cursor paging that walks everything once, refused parameters,
//! and text search that obeys visibility.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::*;
use crate::harness::{problem, TestApp};
use crate::on_both;

const SORTS: [&str; 6] = ["created", "-created", "updated", "-updated", "priority", "-priority"];

/// Walks a list `limit` at a time; the ids in order.
async fn walk(app: &TestApp, token: &str, path: &str, limit: usize) -> Vec<i64> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let url = match &cursor {
            None => format!("{path}{sep}limit={limit}"),
            Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
        };
        let page = ok(app.get(&url, token).await).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        ids.extend(items.iter().map(|t| t["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return ids,
        }
    }
    panic!("the walk does not end");
}

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|t| t["id"].as_i64().unwrap()).collect()
}

/// Whether `items` are in the order `sort` names, read off their own fields (ties by id).
fn in_order(items: &[Value], sort: &str) -> bool {
    let key = |t: &Value| {
        let rank = match sort.trim_start_matches('-') {
            "created" => 0,
            "updated" => {
                chrono::DateTime::parse_from_rfc3339(t["updated_at"].as_str().unwrap()).unwrap().timestamp_micros()
            }
            _ => ["low", "normal", "high", "urgent"].iter().position(|p| t["priority"] == *p).unwrap() as i64,
        };
        (rank, t["id"].as_i64().unwrap())
    };
    let descending = sort.starts_with('-');
    items.windows(2).all(|w| if descending { key(&w[0]) > key(&w[1]) } else { key(&w[0]) < key(&w[1]) })
}

on_both!(filters_and_sorts, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let list = |q: &str| {
        let path = format!("{}?{q}", company_tickets(contoso));
        let (app, plus) = (&app, &plus);
        async move { items(app, plus, &path).await }
    };
    let laptop = ticket_id(&app, &admin, LAPTOP).await;
    let printer = ticket_id(&app, &admin, PRINTER).await;
    ok(patch(&app, &admin, printer, json!({"status": "in_progress"})).await).await;
    ok(patch(&app, &admin, laptop, json!({"status": "waiting_customer"})).await).await;

    let titles_of =
        |items: Vec<Value>| items.iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(titles_of(list("status=in_progress").await), [PRINTER]);
    let mut two = titles_of(list("status=in_progress,waiting_customer").await);
    two.sort();
    assert_eq!(two, [LAPTOP, PRINTER]);
    assert_eq!(titles_of(list("status=in_progress,%20waiting_customer").await).len(), 2, "spaces allowed");
    assert_eq!(titles_of(list("priority=high").await), [VPN]);
    assert_eq!(titles_of(list("priority=low").await), [LAPTOP]);
    assert_eq!(titles_of(list("priority=high&status=new").await), [VPN]);
    assert!(list("priority=urgent").await.is_empty());
    let pat = user_id(&app, &admin, "pat.user@demo.example").await;
    let mut by_pat = titles_of(list(&format!("requester_id={pat}")).await);
    by_pat.sort();
    assert_eq!(by_pat, [LAPTOP, PRINTER]);

    // Sorts: by priority (ties by id), by last update, by creation (the default, newest first).
    let by_priority: Vec<String> =
        list("sort=-priority").await.iter().map(|t| t["priority"].as_str().unwrap().to_owned()).collect();
    assert_eq!(by_priority, ["high", "normal", "normal", "low"]);
    let by_priority: Vec<String> =
        list("sort=priority").await.iter().map(|t| t["priority"].as_str().unwrap().to_owned()).collect();
    assert_eq!(by_priority, ["low", "normal", "normal", "high"]);
    assert_eq!(list("sort=-updated").await[0]["id"], laptop, "the last changed first");
    assert_eq!(list("sort=updated").await.last().unwrap()["id"], laptop);
    let default = ids(&list("").await);
    let mut newest_first = default.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(default, newest_first);
    assert_eq!(ids(&list("sort=-created").await), default);

    let created_from = chrono::Utc::now() - chrono::Duration::hours(1);
    let from = created_from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(list(&format!("created_from={from}")).await.len(), 4);
    assert!(list(&format!("created_to={from}")).await.is_empty());
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(list(&format!("updated_from={later}")).await.is_empty());
});

on_both!(cursor_paging_walks_every_ticket_once_in_every_sort, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let (contoso, sub, _) = companies(&app, &admin).await;
    let sam = user_id(&app, &admin, "sam.sub@demo.example").await;
    // Many ties on priority and a few updates, so that keys repeat across page boundaries; some
    // tickets in the subsidiary, which Contoso's members also list, so that the two companies'
    // tickets interleave in every sort.
    for (i, priority) in ["normal", "normal", "low", "normal", "high", "normal", "urgent", "normal"].iter().enumerate()
    {
        let title = format!("Paging {i}");
        if [1, 4, 5].contains(&i) {
            create(&app, &admin, sub, json!({"title": title, "priority": priority, "requester_id": sam})).await;
        } else {
            let token = if i % 3 == 0 { &user } else { &plus };
            create(&app, token, contoso, json!({"title": title, "priority": priority})).await;
        }
    }
    let laptop = ticket_id(&app, &admin, LAPTOP).await;
    ok(patch(&app, &admin, laptop, json!({"worked_minutes": 5})).await).await;

    for (token, path) in [
        (&plus, company_tickets(contoso)),
        (&user, company_tickets(contoso)),
        (&admin, "/api/v1/tickets".to_owned()),
        (&plus, format!("{}?status=new", company_tickets(contoso))),
    ] {
        for sort in SORTS {
            let sep = if path.contains('?') { '&' } else { '?' };
            let sorted = format!("{path}{sep}sort={sort}");
            let listed = items(&app, token, &sorted).await;
            assert!(in_order(&listed, sort), "{sorted}: {listed:?}");
            let whole = ids(&listed);
            for limit in [1, 2, 3] {
                let walked = walk(&app, token, &sorted, limit).await;
                assert_eq!(walked, whole, "{sorted} by {limit}");
            }
            assert_eq!(whole.iter().collect::<HashSet<_>>().len(), whole.len(), "no duplicates");
        }
    }
    let listed = items(&app, &plus, &company_tickets(contoso)).await;
    assert_eq!(listed.len(), 12);
    assert_eq!(listed.iter().filter(|t| t["company_id"] == sub).count(), 4, "the subsidiary's, merged in");
    assert_eq!(items(&app, &user, &company_tickets(contoso)).await.len(), 5);
    assert_eq!(items(&app, &admin, "/api/v1/tickets").await.len(), 13);
});

on_both!(a_family_larger_than_one_statement_lists_every_ticket_once, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let before = items(&app, &plus, &company_tickets(contoso)).await.len();
    // 55 more subsidiaries: Contoso's members list 57 companies, more than one statement merges
    // (50), and the newest subsidiary's ticket is read by the second statement.
    let mut branch = 0;
    for i in 0..55 {
        let body = json!({"name": format!("Contoso Branch {i}"), "parent_company_id": contoso});
        branch = status(app.post("/api/v1/companies", Some(&admin), body).await, 201).await["id"].as_i64().unwrap();
    }
    let sam = user_id(&app, &admin, "sam.sub@demo.example").await;
    let path = format!("/api/v1/users/{sam}/memberships/{branch}");
    ok(app.send(reqwest::Method::PUT, &path, &admin, json!({"roles": ["portal_user"]})).await).await;
    let far = create(&app, &admin, branch, json!({"title": "At the far branch", "requester_id": sam})).await;

    for sort in SORTS {
        let sorted = format!("{}?sort={sort}", company_tickets(contoso));
        let listed = items(&app, &plus, &sorted).await;
        assert!(in_order(&listed, sort), "{sorted}: {listed:?}");
        assert_eq!(listed.len(), before + 1, "{sorted}");
        assert!(listed.iter().any(|t| t["id"] == far["id"]), "{sorted}: the far branch's ticket");
        for limit in [1, 4] {
            assert_eq!(walk(&app, &plus, &sorted, limit).await, ids(&listed), "{sorted} by {limit}");
        }
    }
});

on_both!(bad_list_parameters_are_refused, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let admin = app.token("admin@demo.example").await;
    let contoso = company_id(&app, &user, "Contoso Ltd").await;
    let first = ok(app.get(&format!("{}?limit=1", company_tickets(contoso)), &user).await).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    ok(app.get(&format!("{}?limit=1&cursor={cursor}", company_tickets(contoso)), &user).await).await;
    for (query, field) in [
        ("sort=name", "sort"),
        ("sort=--created", "sort"),
        ("cursor=garbage", "cursor"),
        (&format!("sort=priority&cursor={cursor}") as &str, "cursor"),
        ("status=lost", "status"),
        ("status=new,,open", "status"),
        ("status=NEW", "status"),
        ("priority=critical", "priority"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=-1", "limit"),
        ("q=", "q"),
        ("q=--%20**", "q"),
        ("q=printer%20pr*", "q"),
        (&format!("q={}", "a".repeat(201)) as &str, "q"),
        ("assignee_id=1", "assignee_id"),
        ("company_id=1", "company_id"),
        ("created_from=yesterday", "created_from"),
        ("colour=red", "colour"),
    ] {
        let path = format!("{}?{query}", company_tickets(contoso));
        let answer = problem(app.get(&path, &user).await, 422).await;
        assert!(crate::harness::fault(&answer, field).is_some(), "{query}: {answer}");
    }
    for query in ["sort=name", "cursor=garbage", "status=lost", "limit=500"] {
        problem(app.get(&format!("/api/v1/tickets?{query}"), &admin).await, 422).await;
    }
});

on_both!(text_search_finds_by_words_prefixes_and_number_within_what_one_sees, |app: TestApp| async move {
    let admin = app.token("admin@demo.example").await;
    let user = app.token("pat.user@demo.example").await;
    let plus = app.token("pat.plus@demo.example").await;
    let (contoso, ..) = companies(&app, &admin).await;
    let search = |token: &str, q: &str| {
        let path = format!("{}?q={q}", company_tickets(contoso));
        let token = token.to_owned();
        let app = &app;
        async move {
            let mut found: Vec<String> =
                items(app, &token, &path).await.iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect();
            found.sort();
            found
        }
    };
    let number = |title: &str| {
        let title = title.to_owned();
        let (app, admin) = (&app, &admin);
        async move {
            let all = items(app, admin, "/api/v1/tickets").await;
            all.iter().find(|t| t["title"] == title.as_str()).unwrap()["number"].as_i64().unwrap()
        }
    };

    assert_eq!(search(&plus, "jams").await, [PRINTER], "a word of the title");
    assert_eq!(search(&plus, "firewall").await, [VPN], "a word of the description");
    assert!(search(&plus, "print").await.is_empty(), "whole words by default");
    assert_eq!(search(&plus, "print*").await, [PRINTER], "a prefix");
    assert_eq!(search(&plus, "PRINTER").await, [PRINTER], "any case");
    assert_eq!(search(&plus, "floor%20print*").await, [PRINTER], "all words, one a prefix");
    assert_eq!(search(&plus, "flo*%20printer").await, [PRINTER], "any word may be a prefix");
    assert!(search(&plus, "printer%20firewall").await.is_empty(), "all words must match");
    assert_eq!(search(&plus, "etikettendrucker").await, [DRUCKER], "subsidiary tickets are searched too");
    assert!(search(&plus, "quota").await.is_empty(), "not another company's");
    assert!(search(&plus, "zzzz").await.is_empty());
    let vpn_number = number(VPN).await;
    assert_eq!(search(&plus, &vpn_number.to_string()).await, [VPN], "a ticket number");
    assert_eq!(search(&plus, &number(DRUCKER).await.to_string()).await, [DRUCKER]);
    let fabrikams = items(&app, &admin, "/api/v1/tickets").await;
    let fabrikams = fabrikams.iter().find(|t| t["title"] == "Mailbox is full").unwrap();
    assert!(search(&plus, &fabrikams["number"].to_string()).await.is_empty(), "not another company's number");

    // Visibility holds: pat.user finds nothing of pat.plus's ticket, by word or by number.
    assert!(search(&user, "firewall").await.is_empty());
    assert!(search(&user, "VPN").await.is_empty());
    assert!(search(&user, &vpn_number.to_string()).await.is_empty());
    assert_eq!(search(&user, "jams").await, [PRINTER]);

    // The index follows changes of title and description, and new tickets.
    let printer = ticket_id(&app, &admin, PRINTER).await;
    ok(patch(&app, &user, printer, json!({"title": "Plotter on floor 2 smears", "description": "Toner streaks"}))
        .await)
    .await;
    assert!(search(&plus, "jams").await.is_empty());
    assert_eq!(search(&plus, "plotter").await, ["Plotter on floor 2 smears"]);
    assert_eq!(search(&plus, "toner").await, ["Plotter on floor 2 smears"]);
    create(&app, &user, contoso, json!({"title": "Beamer", "description": "HDMI adapter missing"})).await;
    assert_eq!(search(&user, "hdmi").await, ["Beamer"]);
    // Search combines with filters.
    assert!(items(&app, &plus, &format!("{}?q=beamer&status=closed", company_tickets(contoso))).await.is_empty());
    assert_eq!(items(&app, &admin, "/api/v1/tickets?q=quota").await.len(), 1, "staff search the whole tenant");
});

// Words inside host names, e-mail addresses and paths, which MSP tickets are full of.
on_both!(search_finds_words_inside_host_names_and_addresses, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &user, "Contoso Ltd").await;
    create(
        &app,
        &user,
        contoso,
        json!({"title": "Cannot reach fileserver.contoso.local",
            "description": "Mail to it-help@contoso.example bounces, see C:/logs/v1.2"}),
    )
    .await;
    for q in ["fileserver", "contoso", "local", "help", "logs", "bounces"] {
        let found = items(&app, &user, &format!("{}?q={q}", company_tickets(contoso))).await;
        assert_eq!(found.len(), 1, "{q}");
    }
});
