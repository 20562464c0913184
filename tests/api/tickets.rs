//! Tickets: who sees, opens and changes which ticket, what customers see of it, and safe
//! concurrent edits.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{problem, TestApp};
use crate::on_both;

/// The id of the signed-in user's company called `name`, from `/me`.
pub async fn company_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let me: Value = app.get("/api/v1/me", token).await.json().await.unwrap();
    me["companies"].as_array().unwrap().iter().find(|c| c["name"] == name).expect("a company of the user")["id"]
        .as_i64()
        .unwrap()
}

pub async fn titles(res: reqwest::Response) -> Vec<String> {
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    page["items"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap_or("").to_owned()).collect()
}

on_both!(portal_user_sees_own_tickets_and_plus_sees_all, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &user, "Contoso Ltd").await;
    let own = titles(app.get(&format!("/api/v1/companies/{contoso}/tickets"), &user).await).await;
    assert_eq!(own.len(), 2, "{own:?}");
    assert!(!own.contains(&"VPN drops every hour".to_owned()));

    let plus = app.token("pat.plus@demo.example").await;
    let all = titles(app.get(&format!("/api/v1/companies/{contoso}/tickets"), &plus).await).await;
    // Contoso shows subsidiary tickets: its own three and the subsidiary's one.
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(all.contains(&"Drucker im Lager offline".to_owned()));
});

on_both!(create_read_update_with_etag, |app: TestApp| async move {
    let user = app.token("pat.user@demo.example").await;
    let contoso = company_id(&app, &user, "Contoso Ltd").await;
    let res = app
        .post(
            &format!("/api/v1/companies/{contoso}/tickets"),
            Some(&user),
            json!({"title": "Monitor flickers", "description": "Since this morning.", "custom_fields": {"site": "Zurich"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let ticket: Value = res.json().await.unwrap();
    let id = ticket["id"].as_i64().unwrap();
    assert_eq!(ticket["status"], "new");
    assert_eq!(ticket["custom_fields"]["site"], "Zurich");

    let res = app.get(&format!("/api/v1/tickets/{id}"), &user).await;
    assert_eq!(res.status(), 200);
    let etag = res.headers().get("etag").unwrap().to_str().unwrap().to_owned();

    let res = app
        .request(Method::PATCH, &format!("/api/v1/tickets/{id}"), Some(&user))
        .header("If-Match", &etag)
        .json(&json!({"priority": "high"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["priority"], "high");
    assert_eq!(updated["version"], 2);

    let res = app
        .request(Method::PATCH, &format!("/api/v1/tickets/{id}"), Some(&user))
        .header("If-Match", &etag)
        .json(&json!({"priority": "low"}))
        .send()
        .await
        .unwrap();
    problem(res, 412).await;

    let res = app.send(Method::PATCH, &format!("/api/v1/tickets/{id}"), &user, json!({"status": "closed"})).await;
    let body = problem(res, 422).await;
    assert!(body["errors"]["status"].is_array(), "{body}");

    let history: Value = app.get(&format!("/api/v1/tickets/{id}/history"), &user).await.json().await.unwrap();
    let kinds: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["created", "updated"]);
});
