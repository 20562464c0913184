//! The OpenAPI document, generated from the handlers' annotations. Its operations come from the
//! routes the server registers (`crate::api_routes`), never from a list of their own.

use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

/// The document's info, tags and amendments; its operations are those `crate::api_routes`
/// registers (`RegisteredRoutes`). Read it through [`document`], which builds it once.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "clientdesk API",
        description = "The customer-portal back end of an MSP. Sign in with `POST /api/v1/auth/login`, then \
            `POST /api/v1/auth/mfa/verify` with a TOTP code, and use the access token as `Authorization: Bearer`. \
            Errors are RFC 9457 problem documents."
    ),
    // `RegisteredRoutes` first: the others amend the operations it adds.
    modifiers(&RegisteredRoutes, &BearerScheme, &TransportResponses),
    tags(
        (name = "auth", description = "Signing in, second factor, tokens"),
        (name = "me", description = "The signed-in user"),
        (name = "provider", description = "The provider's staff: companies, portal users, audit log"),
        (name = "tickets", description = "Support tickets: customers and staff"),
        (name = "ticket settings", description = "The provider's request types, queues, custom fields and ticket settings"),
        (name = "knowledge base", description = "Articles for customers, per company (`/companies/{company_id}/kb`), \
            and their authoring by staff (`/kb`)"),
        (name = "validations", description = "Tickets awaiting the customer's validation: asked by staff, decided by \
            the company's approvers in the portal or through the single-use links of the e-mail"),
        (name = "change requests", description = "Changes proposed by the provider, approved or rejected by the \
            company's change managers"),
        (name = "rmm", description = "The RMM integration: devices synced from it, signed agent links from the \
            tray menu, self-registration from a computer"),
        (name = "self-service", description = "Actions on the user's own computers, guarded by a verified phone and a \
            fresh second factor; the software catalogue"),
        (name = "outbox", description = "Messages the portal sends (e-mail, SMS, webhooks to the RMM), their \
            delivery with retries, and a retry by staff for those given up on"),
        (name = "health", description = "Liveness, readiness, metrics"),
    )
)]
pub struct ApiDoc;

/// Adds the operation and the schemas of every route in `crate::api_routes`, read from an app
/// that registers them as the server does.
struct RegisteredRoutes;

impl Modify for RegisteredRoutes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let (_, registered) = actix_web::App::new().into_utoipa_app().configure(crate::api_routes).split_for_parts();
        openapi.merge(registered);
    }
}

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from sign-in, or an API token (cdk_...)."))
                    .build(),
            ),
        );
    }
}

/// Answers any operation may give before its handler runs, or when the database is unreachable
/// (see `transport` and `state::AppState::run`).
struct TransportResponses;

impl Modify for TransportResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
            ResponseBuilder::new().description(description).content("application/json", content).build()
        };
        let common = [
            ("408", "The request did not fully arrive in time (its body: 30 s after its head by default)"),
            ("431", "The request line and headers are larger than the limit (16 KiB by default)"),
            ("503", "The database is unreachable, or the server is stopping; see `Retry-After`"),
        ];
        for (path, item) in openapi.paths.paths.iter_mut() {
            // Liveness and metrics use no database and answer while the server drains.
            let uses_database = !matches!(path.as_str(), "/health/live" | "/metrics");
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
                &mut item.trace,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, description) in common {
                    if status == "503" && !uses_database {
                        continue;
                    }
                    operation.responses.responses.entry(status.into()).or_insert_with(|| problem(description).into());
                }
            }
        }
    }
}

/// The whole document, built once: served at `/openapi.json`, printed by `clientdesk openapi`, and
/// read by `crate::not_found` for its 405 answers.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(ApiDoc::openapi)
}

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    document().to_pretty_json().expect("the OpenAPI document serialises")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::document;

    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

    /// `(method, path)` of every route attribute (`#[get("/...")]`, ...) in the files under `dir`,
    /// with the path parameters' patterns left out (`{id:\d+}` is `{id}`, as in the document).
    fn declared_routes(dir: &Path, routes: &mut BTreeSet<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("the source directory is readable") {
            let path = entry.expect("the source directory is readable").path();
            if path.is_dir() {
                declared_routes(&path, routes);
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("a source file is readable");
            for line in source.lines().map(str::trim_start) {
                for method in METHODS {
                    let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) else { continue };
                    let Some((template, _)) = rest.split_once('"') else { continue };
                    let mut normalised = String::new();
                    let mut in_pattern = false;
                    for c in template.chars() {
                        match c {
                            ':' if normalised.rfind('{') > normalised.rfind('}') => in_pattern = true,
                            '}' => {
                                in_pattern = false;
                                normalised.push(c);
                            }
                            c if !in_pattern => normalised.push(c),
                            _ => {}
                        }
                    }
                    routes.insert((method.to_owned(), normalised));
                }
            }
        }
    }

    /// Every route a handler declares is an operation of the document, and the document has no
    /// other. The document holds exactly what `api_routes` registers (which accepts only handlers
    /// with `#[utoipa::path]`), so a handler served from elsewhere, or declared and never
    /// registered, fails here. That each operation is answered by the server is checked over HTTP
    /// (`tests/api/http.rs`).
    #[test]
    fn every_declared_route_is_a_documented_operation() {
        let mut declared = BTreeSet::new();
        declared_routes(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut declared);
        let documented: BTreeSet<(String, String)> = document()
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                let operations = [&item.get, &item.post, &item.put, &item.patch, &item.delete];
                METHODS
                    .into_iter()
                    .zip(operations)
                    .filter(|(_, operation)| operation.is_some())
                    .map(|(method, _)| (method.to_owned(), path.clone()))
            })
            .collect();
        let undocumented: Vec<_> = declared.difference(&documented).collect();
        let unregistered: Vec<_> = documented.difference(&declared).collect();
        assert!(undocumented.is_empty(), "declared by a handler but not registered in `api_routes`: {undocumented:?}");
        assert!(unregistered.is_empty(), "documented without a handler declaring it: {unregistered:?}");
    }
}
