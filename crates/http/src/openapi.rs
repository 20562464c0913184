//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    agent, attachments, auth, catalog, changes, companies, devices, health, kb, me, outbox, selfservice, tickets,
    users, validations,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "clientdesk API",
        description = "The customer-portal back end of an MSP. Sign in with `POST /api/v1/auth/login`, then \
            `POST /api/v1/auth/mfa/verify` with a TOTP code, and use the access token as `Authorization: Bearer`. \
            Errors are RFC 9457 problem documents."
    ),
    paths(
        auth::login, auth::verify_mfa, auth::start_enrolment, auth::confirm_enrolment, auth::refresh, auth::logout,
        auth::set_password,
        me::get_me, me::update_me, me::change_password, me::list_api_tokens, me::create_api_token, me::revoke_api_token,
        me::start_reenrolment, me::confirm_reenrolment, me::disable_two_factor,
        companies::list_companies, companies::create_company, companies::get_company, companies::update_company,
        companies::get_settings, companies::put_settings, companies::get_tenant_settings, companies::put_tenant_settings,
        users::list_users, users::create_user, users::get_user, users::put_membership, users::delete_membership,
        users::disable_user, users::enable_user, users::list_audit_events,
        tickets::list_company_tickets, tickets::create_ticket, tickets::ticket_form, tickets::list_tickets,
        tickets::get_ticket, tickets::update_ticket, tickets::close_ticket, tickets::reopen_ticket,
        tickets::list_notes, tickets::add_note, tickets::ticket_history,
        attachments::upload_attachments, attachments::list_attachments, attachments::download_attachment,
        catalog::list_request_types, catalog::create_request_type, catalog::update_request_type,
        catalog::list_queues, catalog::create_queue, catalog::update_queue,
        catalog::list_custom_fields, catalog::create_custom_field, catalog::update_custom_field,
        catalog::get_ticket_settings, catalog::put_ticket_settings,
        kb::portal::list_articles, kb::portal::read_article, kb::portal::put_feedback, kb::portal::list_categories,
        kb::portal::search, kb::portal::suggestions,
        kb::staff::staff_list_articles, kb::staff::staff_search, kb::staff::create_article, kb::staff::staff_get_article,
        kb::staff::update_article, kb::staff::publish_article, kb::staff::unpublish_article, kb::staff::delete_article,
        kb::staff::list_revisions, kb::staff::get_revision, kb::staff::staff_list_categories, kb::staff::create_category,
        kb::staff::update_category, kb::staff::delete_category,
        validations::create_validation, validations::list_ticket_validations, validations::list_company_validations,
        validations::get_validation, validations::decide_validation, validations::cancel_validation,
        validations::preview_decision_link, validations::confirm_decision_link,
        changes::create_change_request, changes::list_change_requests, changes::get_change_request,
        changes::decide_change_request, changes::cancel_change_request,
        devices::get_integration, devices::put_integration, devices::rotate_secret, devices::new_sync_token,
        devices::sync_devices, devices::list_devices, devices::get_device, devices::update_device,
        devices::rotate_device_token, devices::delete_device, devices::my_devices,
        agent::agent_login, agent::exchange_code, agent::register, agent::confirm_registration,
        selfservice::set_phone, selfservice::confirm_phone, selfservice::remove_phone, selfservice::step_up,
        selfservice::step_up_sms, selfservice::get_sms_policy, selfservice::put_sms_policy, selfservice::list_software, selfservice::create_software, selfservice::update_software,
        selfservice::device_software, selfservice::request_action, selfservice::list_actions, selfservice::get_action,
        selfservice::action_result,
        outbox::list_outbox, outbox::retry_message,
        health::live, health::ready, health::metrics,
    ),
    modifiers(&BearerScheme, &TransportResponses),
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

/// The document as committed in `openapi/openapi.json`.
pub fn document_json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serialises")
}
