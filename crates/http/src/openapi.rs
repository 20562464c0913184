//! The OpenAPI document, generated from the handlers' annotations. Its operations come from the
//! routes the server registers (`crate::api_routes`), never from a list of their own.

use std::sync::OnceLock;

use clientdesk_domain::i18n::Message;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
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
            Errors are RFC 9457 problem documents.\n\n\
            Webhooks (`/api/v1/webhooks`) follow the Standard Webhooks specification: each delivery is a POST of a \
            JSON `WebhookEvent` (`{type, timestamp, data}`) with the headers `webhook-id` (the event's id, the same \
            at every retry and redelivery), `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature`: \
            `v1,` followed by the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed by the \
            base64-decoded part of the subscription's secret after `whsec_`. For 24 hours after a rotation the header \
            holds two signatures, space-separated (new secret, then previous): accept a delivery when one matches. \
            Refuse timestamps far from now to stop replays, and deduplicate by `webhook-id`: delivery is at least \
            once. A 2xx answer delivers; 429, 5xx and timeouts are retried with backoff for about a day; other \
            answers are not retried; redirects are not followed. Events of one ticket arrive in order. \
            \n\n\
            **Languages.** Problem documents are written in the caller's language, one of `en`, `fr`, `de`, `es`, \
            `it`: the signed-in user's language (`PATCH /api/v1/me` sets it), otherwise the best match of the \
            request's `Accept-Language` (weights honoured: `de-CH, fr;q=0.8` answers in German), otherwise English. \
            Their answers carry `Content-Language`. Only `title` and the `detail`s (the problem's and each field \
            error's) change with the language; `type`, `code`, `status` and the `pointer`/`parameter`/`header` of \
            field errors never do, so programs match on those. A detail not yet in the translation catalogue is \
            sent in English. E-mails, SMS and the decision-link page are written in the recipient's language."
    ),
    components(schemas(
        crate::routes::webhooks::WebhookEvent,
        clientdesk_domain::webhook_payloads::TicketCreatedData,
        clientdesk_domain::webhook_payloads::TicketUpdatedData,
        clientdesk_domain::webhook_payloads::FieldChange,
        clientdesk_domain::webhook_payloads::TicketStatusChangedData,
        clientdesk_domain::webhook_payloads::TicketNoteAddedData,
        clientdesk_domain::webhook_payloads::TicketAttachmentAddedData,
        clientdesk_domain::webhook_payloads::ValidationData,
        clientdesk_domain::webhook_payloads::ChangeRequestDecidedData,
        clientdesk_domain::webhook_payloads::UserData,
        clientdesk_domain::webhook_payloads::ActionCompletedData,
    )),
    servers((url = "/", description = "This server's own address: the API is served from the root of the address \
        this document was read from")),
    // `RegisteredRoutes` first: the others amend the operations it adds.
    modifiers(&RegisteredRoutes, &BearerScheme, &TransportResponses, &PagedItems, &TaggedUnions, &DownloadTypes),
    tags(
        (name = "auth", description = "Signing in, second factor, tokens"),
        (name = "me", description = "The signed-in user"),
        (name = "accounts", description = "Invitations and password recovery, each company's own administration of \
            its logins and roles, role-change requests, the company directory (contacts, e-mail domains, sign-in log) \
            and the staff directory"),
        (name = "provider", description = "The provider's staff: companies, portal users, audit log"),
        (name = "tickets", description = "Support tickets: customers and staff"),
        (name = "ticket settings", description = "The provider's request types, queues, custom fields and ticket settings"),
        (name = "sla", description = "Service levels: business-hours calendars, plans and the plan each company \
            follows (staff), and a company's monthly report (staff, and members with `sla_read`)"),
        (name = "knowledge base", description = "Articles for customers, per company (`/companies/{company_id}/kb`), \
            and their authoring by staff (`/kb`)"),
        (name = "validations", description = "Tickets awaiting the customer's validation: asked by staff, decided by \
            the company's approvers in the portal or through the single-use links of the e-mail"),
        (name = "change requests", description = "Changes proposed by the provider, approved or rejected by the \
            company's change managers"),
        (name = "rmm", description = "The RMM integration: devices synced from it, signed agent links from the \
            tray menu, self-registration from a computer"),
        (name = "system-info", description = "A company's assets (its devices with the RMM's inventory) and their \
            warranties and licences: read by staff and by members whose roles include system info; warranties and \
            licences synced from the RMM with each device or written by staff"),
        (name = "self-service", description = "Actions on the user's own computers, guarded by a verified phone and a \
            fresh second factor; the software catalogue"),
        (name = "outbox", description = "Messages the portal sends (e-mail, SMS, webhooks to the RMM), their \
            delivery with retries, and a retry by staff for those given up on"),
        (name = "psa", description = "The PSA integration: its sync credential and the batch sync of the records the \
            PSA owns (invoices, contracts, projects), by the PSA's own ids"),
        (name = "invoices", description = "A company's invoices, their PDFs and its open balance: read by staff and by \
            members whose roles include invoices; written by staff or synced from the PSA"),
        (name = "contracts", description = "A company's block-hour and retainer contracts, their time entries and a \
            report per contract and month: read like invoices; written by staff or synced from the PSA"),
        (name = "projects", description = "A company's projects (plan, hours, charges, team), notes and messages to the \
            team: staff and manager-level members see all of a company's, basic users those whose team they are on"),
        (name = "vault", description = "The documentation vault: each company's documents (Markdown, attachments, \
            revisions, for the knowledge base's audiences) and credentials, sealed at rest, \
            revealed one at a time with a fresh second factor and audited"),
        (name = "webhooks", description = "Webhook subscriptions for integrators (provider admins): events of \
            tickets, validations, change requests, users and self-service actions, signed as the Standard Webhooks \
            specification says (see the API description and the `WebhookEvent` schema), retried, in order per \
            ticket, each attempt recorded. Targets must be https to public addresses unless the tenant allows its \
            own network (unsafe: it lets staff reach the server's network)."),
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

/// The security schemes, and the explicit `security: []` of the public operations: a handler
/// without a bearer declares `security(())` (`[{}]`, "optional"), which is turned into `[]` here,
/// so an operation without any `security` is a forgotten one (a test refuses it).
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
        components.add_security_scheme(
            "rmm_sync",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cdr_...")
                    .description(Some(
                        "The RMM integration's sync credential (cdr_..., from \
                         `POST /api/v1/rmm/integration/sync-token`), for the device sync only.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "psa_sync",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cdp_...")
                    .description(Some(
                        "The PSA integration's sync credential (cdp_..., from \
                         `POST /api/v1/psa/integration/sync-token`), for the PSA sync only.",
                    ))
                    .build(),
            ),
        );
        for (_, operation) in operations(openapi) {
            if operation.security.as_ref().is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default())) {
                operation.security = Some(Vec::new());
            }
        }
    }
}

/// Makes each paged list (`Paged_X`) reference its item schema `X` instead of repeating it inline,
/// so generated clients get one item type per list, named as the server names it.
struct PagedItems;

impl Modify for PagedItems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ArrayItems, Schema};
        use utoipa::openapi::{Ref, RefOr};

        let components = openapi.components.get_or_insert_with(Default::default);
        let mut items_of = Vec::new();
        for (name, schema) in components.schemas.iter_mut() {
            let Some(item) = name.strip_prefix("Paged_") else { continue };
            let RefOr::T(Schema::Object(page)) = schema else { continue };
            let Some(RefOr::T(Schema::Array(list))) = page.properties.get_mut("items") else { continue };
            let inline = std::mem::replace(
                &mut list.items,
                ArrayItems::RefOrSchema(Box::new(RefOr::Ref(Ref::from_schema_name(item)))),
            );
            if let ArrayItems::RefOrSchema(inline) = inline {
                items_of.push((item.to_owned(), *inline));
            }
        }
        for (item, inline) in items_of {
            components.schemas.entry(item).or_insert(inline);
        }
    }
}

/// Gives every variant of a tagged union (a serde enum with `tag = "..."`) a component of its own,
/// named after the union and the tag's value (`LoginResponseMfaRequired`), and the union a
/// `discriminator` mapping each value to it: generated clients then get one named type per
/// answer and pick it by the tag.
struct TaggedUnions;

impl Modify for TaggedUnions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use serde_json::{json, Map, Value};

        let components = openapi.components.get_or_insert_with(Default::default);
        let mut schemas = serde_json::to_value(&components.schemas).expect("schemas serialise");
        let Value::Object(all) = &mut schemas else { return };
        let mut hoisted = Vec::new();
        for (name, schema) in all.iter_mut() {
            let Some(Value::Array(variants)) = schema.get("oneOf") else { continue };
            let Some(tags) = variants.iter().map(tag_of).collect::<Option<Vec<_>>>() else { continue };
            let Some((property, _)) = tags.first().cloned() else { continue };
            if tags.iter().any(|(p, _)| *p != property) {
                continue;
            }
            let mut mapping = Map::new();
            let mut refs = Vec::new();
            for (variant, (_, value)) in variants.iter().zip(tags) {
                let component = format!("{name}{}", pascal_case(&value));
                let reference = format!("#/components/schemas/{component}");
                mapping.insert(value, json!(reference));
                refs.push(json!({ "$ref": reference }));
                hoisted.push((component, variant.clone()));
            }
            schema["oneOf"] = Value::Array(refs);
            schema["discriminator"] = json!({ "propertyName": property, "mapping": mapping });
        }
        for (component, variant) in hoisted {
            all.entry(component).or_insert(variant);
        }
        components.schemas = serde_json::from_value(schemas).expect("schemas deserialise");
    }
}

/// The tag of a union's variant: its one required property whose enum has a single value, as
/// (property, value), found in the variant or in one part of its `allOf`.
fn tag_of(variant: &serde_json::Value) -> Option<(String, String)> {
    let tag_in = |object: &serde_json::Value| {
        let required = object.get("required")?.as_array()?;
        let tags: Vec<(String, String)> = object
            .get("properties")?
            .as_object()?
            .iter()
            .filter(|(p, _)| required.iter().any(|r| r == *p))
            .filter_map(|(p, schema)| match schema.get("enum")?.as_array()?.as_slice() {
                [serde_json::Value::String(value)] => Some((p.clone(), value.clone())),
                _ => None,
            })
            .collect();
        match tags.as_slice() {
            [tag] => Some(tag.clone()),
            _ => None,
        }
    };
    match variant.get("allOf").and_then(|parts| parts.as_array()) {
        Some(parts) => parts.iter().find_map(tag_in),
        None => tag_in(variant),
    }
}

fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// A downloaded attachment comes with the content type it was stored with: the download declares
/// each type an upload accepts (`domain::attachments::accepted_types`) besides
/// `application/octet-stream`.
struct DownloadTypes;

impl Modify for DownloadTypes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;

        for (_, operation) in operations(openapi) {
            if operation.operation_id.as_deref() != Some("downloadAttachment") {
                continue;
            }
            let Some(RefOr::T(file)) = operation.responses.responses.get_mut("200") else { continue };
            let Some(binary) = file.content.get("application/octet-stream").cloned() else { continue };
            for accepted in clientdesk_domain::attachments::accepted_types() {
                file.content.entry(accepted.to_owned()).or_insert_with(|| binary.clone());
            }
        }
    }
}

/// Every operation of the document, with its path.
fn operations(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = (&String, &mut Operation)> {
    openapi.paths.paths.iter_mut().flat_map(|(path, item)| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        .map(move |operation| (path, operation))
    })
}

/// The media type of every error answer (`crate::errors::ApiError`).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Whether an operation reads a JSON body through the JSON extractor's rules (400, 413, 415).
fn takes_json(operation: &Operation) -> bool {
    operation.request_body.as_ref().is_some_and(|body| body.content.contains_key("application/json"))
}

/// Whether an operation asks for credentials (a bearer or the RMM's sync credential).
fn is_protected(operation: &Operation) -> bool {
    operation.security.as_ref().is_some_and(|s| s.iter().any(|r| *r != SecurityRequirement::default()))
}

const REQUEST_ID: &str =
    "The request's id: the one sent in `X-Request-Id`, or a new one; it names the request in the server's log";
const RETRY_AFTER: &str = "Seconds to wait before trying again";

/// Answers any operation may give besides its handler's own, and what every answer carries: the
/// problem media type of errors, the transport's refusals (see `transport` and
/// `state::AppState::run`), the extractors' (credentials, JSON bodies), the unexpected 500, and the
/// headers the server sets (`X-Request-Id` on every answer, `Retry-After` on 429 and 503).
struct TransportResponses;

impl Modify for TransportResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

        use crate::errors::ApiError;

        let problem = |description: &str, example: ApiError| {
            let example = serde_json::to_value(example.problem()).expect("a problem serialises");
            let content =
                ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).example(Some(example)).build();
            ResponseBuilder::new().description(description).content(PROBLEM_JSON, content).build()
        };
        let header = |schema_type: Type, description: &str| {
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(schema_type))
                .description(Some(description))
                .build()
        };
        let settings = crate::HttpSettings::default();
        // The answers every operation shares are declared once, in `components.responses`, and
        // referenced: written out in each operation they tripled the document's size.
        let shared = [
            (
                "Internal",
                "500",
                problem(
                    "An unexpected failure on the server's side: logged, and answered without its cause",
                    ApiError::Internal(String::new()),
                ),
            ),
            (
                "Unauthorized",
                "401",
                problem(
                    "Missing, invalid or expired credentials (with `WWW-Authenticate: Bearer`)",
                    ApiError::unauthorized("unauthorized-invalid-token"),
                ),
            ),
            (
                "MalformedJson",
                "400",
                problem(
                    "The body is not valid JSON (a syntax error); a valid body of the wrong shape or types is 422",
                    ApiError::BadRequest(
                        Message::new("problem-json-syntax-detail")
                            .arg("reason", "expected value at line 1 column 1")
                            .into(),
                    ),
                ),
            ),
            (
                "PayloadTooLarge",
                "413",
                problem(
                    "The body is larger than the JSON limit (64 KiB by default)",
                    ApiError::PayloadTooLarge(
                        Message::new("problem-json-too-large-detail").arg("limit", settings.json_limit).into(),
                    ),
                ),
            ),
            (
                "UnsupportedMediaType",
                "415",
                problem(
                    "The body is not sent as `application/json`",
                    ApiError::UnsupportedMediaType(Message::new("problem-json-media-type-detail").into()),
                ),
            ),
            (
                "Unprocessable",
                "422",
                problem(
                    "A body or query of the wrong shape or types, or a value refused: `errors` names each field",
                    ApiError::invalid_parameter(
                        "limit",
                        Message::new("field-range-between").arg("min", 1).arg("max", 200),
                    ),
                ),
            ),
            (
                "RequestTimeout",
                "408",
                problem(
                    "The request did not fully arrive in time (its body: 30 s after its head by default)",
                    ApiError::RequestTimeout(settings.request_timeout.as_secs()),
                ),
            ),
            (
                "TooManyConnections",
                "429",
                problem(
                    "This client address holds too many open connections; see `Retry-After`",
                    ApiError::TooManyConnections(settings.max_connections_per_client),
                ),
            ),
            (
                "HeadersTooLarge",
                "431",
                problem(
                    "The request line and headers are larger than the limit (16 KiB by default)",
                    ApiError::HeaderFieldsTooLarge(settings.max_head_bytes),
                ),
            ),
            (
                "Unavailable",
                "503",
                problem(
                    "The database is unreachable, or the server is stopping; see `Retry-After`",
                    ApiError::Unavailable(String::new()),
                ),
            ),
        ];
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, status, mut response) in shared.clone() {
            response.headers.insert("X-Request-Id".into(), header(Type::String, REQUEST_ID));
            if matches!(status, "429" | "503") {
                response.headers.insert("Retry-After".into(), header(Type::Integer, RETRY_AFTER));
            }
            components.responses.insert(name.into(), RefOr::T(response));
        }
        let shared_ref = |wanted: &str| -> RefOr<utoipa::openapi::Response> {
            let name = shared
                .iter()
                .find(|(_, status, _)| *status == wanted)
                .map(|(name, ..)| *name)
                .expect("a shared answer");
            RefOr::Ref(Ref::new(format!("#/components/responses/{name}")))
        };
        for (path, operation) in operations(openapi) {
            // Liveness and metrics use no database and answer while the server drains.
            let uses_database = !matches!(path.as_str(), "/health/live" | "/metrics");
            let (protected, json_body) = (is_protected(operation), takes_json(operation));
            let has_query = operation
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query));
            // The decision-link pages answer browsers' refusals as a page too.
            let pages = operation.responses.responses.iter().any(|(status, response)| {
                status.starts_with('2') && matches!(response, RefOr::T(r) if r.content.contains_key("text/html"))
            });
            let declared: Vec<String> = operation.responses.responses.keys().cloned().collect();
            // The sign-in endpoints count every request against the client address's rate
            // (`routes::auth::attempts::rate_limit`) and say what is left on each answer.
            let address_rate = !protected && path.starts_with("/api/v1/auth/");
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                if address_rate && status != "429" {
                    let headers = &mut response.headers;
                    headers.entry("RateLimit-Policy".into()).or_insert_with(|| {
                        header(
                            Type::String,
                            "The client address's request rate: `\"<name>\";q=<quota>;w=<window in seconds>`",
                        )
                    });
                    headers.entry("RateLimit".into()).or_insert_with(|| {
                        header(
                            Type::String,
                            "What is left of it: `\"<name>\";r=<requests left>;t=<seconds until it resets>`",
                        )
                    });
                }
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                if let Some(content) = response.content.shift_remove("application/json") {
                    response.content.insert(PROBLEM_JSON.into(), content);
                }
                if pages && !response.content.contains_key("text/html") {
                    let page =
                        ContentBuilder::new().schema(Some(ObjectBuilder::new().schema_type(Type::String))).build();
                    response.content.insert("text/html".into(), page);
                }
            }
            let mut added = vec!["500"];
            if protected {
                added.push("401");
            }
            if json_body {
                added.extend(["400", "413", "415"]);
            }
            if json_body || has_query {
                added.push("422");
            }
            added.extend(["408", "429", "431"]);
            if uses_database {
                added.push("503");
            }
            for status in added {
                operation.responses.responses.entry(status.into()).or_insert_with(|| shared_ref(status));
            }
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                let headers = &mut response.headers;
                headers.entry("X-Request-Id".into()).or_insert_with(|| header(Type::String, REQUEST_ID));
                if matches!(status.as_str(), "429" | "503") {
                    headers.entry("Retry-After".into()).or_insert_with(|| header(Type::Integer, RETRY_AFTER));
                }
                // A handler's 429 is a rate limit, which the server describes (RFC draft
                // `draft-ietf-httpapi-ratelimit-headers`); the transport's 429 sends `Retry-After` only.
                if status == "429" && declared.iter().any(|s| s == "429") {
                    headers.entry("RateLimit-Policy".into()).or_insert_with(|| {
                        header(Type::String, "The limit that was reached: `\"<name>\";q=<quota>;w=<window in seconds>`")
                    });
                    headers.entry("RateLimit".into()).or_insert_with(|| {
                        header(Type::String, "What is left of it: `\"<name>\";r=0;t=<seconds until it resets>`")
                    });
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

    /// The rules the document keeps for every operation, whoever adds it: every error answer is a
    /// problem document; an operation asking for credentials declares 401, one reading a JSON body
    /// 400, 413 and 415, every one 500; every answer declares `X-Request-Id`, every 429 and 503
    /// `Retry-After`; and every operation states its security, `[]` for public ones.
    #[test]
    fn every_operation_declares_the_answers_the_server_gives() {
        let document = serde_json::to_value(document()).expect("the document serialises");
        let mut broken = Vec::new();
        for (path, item) in document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("a path item") {
                let at = format!("{} {path}", method.to_uppercase());
                let responses = operation["responses"].as_object().expect("responses");
                let declares = |status: &str| responses.contains_key(status);
                match operation.get("security").and_then(|s| s.as_array()) {
                    None => broken.push(format!("{at}: no `security` (`security(())` for a public operation)")),
                    Some(requirements) if !requirements.is_empty() && !declares("401") => {
                        broken.push(format!("{at}: asks for credentials but declares no 401"))
                    }
                    Some(_) => {}
                }
                let json_body = operation.pointer("/requestBody/content/application~1json").is_some();
                for status in ["400", "413", "415"] {
                    if json_body && !declares(status) {
                        broken.push(format!("{at}: reads a JSON body but declares no {status}"));
                    }
                }
                if !declares("500") {
                    broken.push(format!("{at}: declares no 500"));
                }
                for (status, response) in responses {
                    // A shared answer is a reference to `components.responses`.
                    let response = match response["$ref"].as_str() {
                        Some(name) => document
                            .pointer(&name.replace("#/", "/"))
                            .unwrap_or_else(|| panic!("{at}: {status} refers to {name}, which is not there")),
                        None => response,
                    };
                    if status.starts_with(['4', '5'])
                        && response.pointer("/content/application~1problem+json").is_none()
                    {
                        broken.push(format!("{at}: {status} is not declared as {}", super::PROBLEM_JSON));
                    }
                    if response.pointer("/content/application~1json").is_some() && status.starts_with(['4', '5']) {
                        broken.push(format!("{at}: {status} is declared as application/json"));
                    }
                    let headers = response.get("headers");
                    if headers.and_then(|h| h.get("X-Request-Id")).is_none() {
                        broken.push(format!("{at}: {status} does not declare X-Request-Id"));
                    }
                    if matches!(status.as_str(), "429" | "503") && headers.and_then(|h| h.get("Retry-After")).is_none()
                    {
                        broken.push(format!("{at}: {status} does not declare Retry-After"));
                    }
                }
            }
        }
        assert!(broken.is_empty(), "{}", broken.join("\n"));
        let servers = document["servers"].as_array().expect("servers");
        assert_eq!(servers[0]["url"], "/");
    }
}
