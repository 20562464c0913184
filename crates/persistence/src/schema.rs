// The tables of migrations/{sqlite,postgres}: one description serves both backends.

diesel::table! {
    tenants (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        portal_defaults -> Text,
        created_at -> Timestamp,
        catalog_version -> BigInt,
        kb_version -> BigInt,
        access_version -> BigInt,
    }
}

diesel::table! {
    companies (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        parent_company_id -> Nullable<BigInt>,
        territory -> Nullable<Text>,
        classification -> Nullable<Text>,
        portal_overrides -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        primary_contact_id -> Nullable<BigInt>,
        billing_contact_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        email -> Text,
        name -> Text,
        phone -> Nullable<Text>,
        language -> Text,
        staff_role -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        disabled -> Bool,
        auth_version -> BigInt,
        totp_secret -> Nullable<Text>,
        totp_pending_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        phone_verified_at -> Nullable<Timestamp>,
        step_up_at -> Nullable<Timestamp>,
        access_version -> BigInt,
        phone_changed_at -> Nullable<Timestamp>,
        activated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        user_id -> BigInt,
        company_id -> BigInt,
        roles -> Text,
        created_at -> Timestamp,
        suspended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        amr -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        read_only -> Bool,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    password_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        purpose -> Text,
    }
}

diesel::table! {
    email_changes (id) {
        id -> BigInt,
        user_id -> BigInt,
        new_email -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    role_change_requests (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        user_id -> BigInt,
        roles -> Text,
        reason -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    company_email_domains (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        domain -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    signin_events (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        user_id -> BigInt,
        method -> Text,
        succeeded -> Bool,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    account_policies (tenant_id) {
        tenant_id -> BigInt,
        customers_grant_portal_admin -> Bool,
        staff_names_for_customers -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    signin_sessions (sid) {
        sid -> Text,
        tenant_id -> BigInt,
        user_id -> BigInt,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signin_throttles (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        tenant_id -> Nullable<BigInt>,
        actor_user_id -> Nullable<BigInt>,
        action -> Text,
        target -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        factor -> Nullable<Text>,
        detail -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_settings (tenant_id) {
        tenant_id -> BigInt,
        settings -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_counters (tenant_id) {
        tenant_id -> BigInt,
        next_number -> BigInt,
    }
}

diesel::table! {
    request_types (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    queues (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    custom_fields (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        field_key -> Text,
        label -> Text,
        kind -> Text,
        options -> Text,
        required -> Bool,
        customer_visibility -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        number -> BigInt,
        title -> Text,
        description -> Text,
        status -> Text,
        priority -> Integer,
        provider_priority -> Nullable<Integer>,
        request_type_id -> Nullable<BigInt>,
        queue_id -> Nullable<BigInt>,
        requester_id -> BigInt,
        contact_id -> Nullable<BigInt>,
        assignee_id -> Nullable<BigInt>,
        device_id -> Nullable<BigInt>,
        due_at -> Nullable<Timestamp>,
        worked_minutes -> BigInt,
        billed_minutes -> BigInt,
        billed -> Bool,
        custom_values -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        sla_trail -> Text,
    }
}

diesel::table! {
    ticket_notes (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        ticket_id -> BigInt,
        author_id -> BigInt,
        body -> Text,
        internal -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        ticket_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        kind -> Text,
        field -> Nullable<Text>,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        internal -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        ticket_id -> BigInt,
        note_id -> Nullable<BigInt>,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        user_id -> BigInt,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    kb_categories (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

// The full-text index is not described here: it is an FTS5 table on SQLite and the generated
// `search_vector` column on PostgreSQL, read only by raw SQL in kb/.
diesel::table! {
    kb_articles (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        category_id -> Nullable<BigInt>,
        title -> Text,
        summary -> Text,
        body -> Text,
        tags -> Text,
        language -> Text,
        status -> Text,
        audience -> Text,
        audience_label -> Nullable<Text>,
        audience_key -> Nullable<Text>,
        revision -> BigInt,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    kb_article_companies (article_id, company_id) {
        article_id -> BigInt,
        company_id -> BigInt,
        tenant_id -> BigInt,
    }
}

diesel::table! {
    kb_article_tags (article_id, tag) {
        article_id -> BigInt,
        tag -> Text,
        tenant_id -> BigInt,
    }
}

diesel::table! {
    kb_article_revisions (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        article_id -> BigInt,
        revision -> BigInt,
        category_id -> Nullable<BigInt>,
        title -> Text,
        summary -> Text,
        body -> Text,
        tags -> Text,
        language -> Text,
        status -> Text,
        audience -> Text,
        audience_label -> Nullable<Text>,
        audience_companies -> Text,
        edited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    kb_article_attachments (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        article_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    kb_article_views (article_id) {
        article_id -> BigInt,
        tenant_id -> BigInt,
        views -> BigInt,
    }
}

diesel::table! {
    kb_feedback (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        article_id -> BigInt,
        user_id -> BigInt,
        helpful -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    validations (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        ticket_id -> BigInt,
        question -> Text,
        decision_rule -> Text,
        status -> Text,
        deadline -> Nullable<Timestamp>,
        requested_by -> BigInt,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    validation_decisions (id) {
        id -> BigInt,
        validation_id -> BigInt,
        user_id -> BigInt,
        decision -> Text,
        comment -> Nullable<Text>,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    change_requests (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        title -> Text,
        description -> Text,
        reason -> Text,
        risk -> Text,
        planned_start -> Nullable<Timestamp>,
        planned_end -> Nullable<Timestamp>,
        estimated_cost_cents -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        status -> Text,
        requested_by -> BigInt,
        created_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decision_comment -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    decision_links (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        token_hash -> Text,
        validation_id -> BigInt,
        user_id -> BigInt,
        decision -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        channel -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        language -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        redacted_body -> Nullable<Text>,
        fold_key -> Nullable<Text>,
        fold_state -> Nullable<Text>,
    }
}

diesel::table! {
    notice_opt_outs (user_id, kind) {
        user_id -> BigInt,
        kind -> Text,
        tenant_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tenant_data_keys (tenant_id) {
        tenant_id -> BigInt,
        wrapped_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rmm_integrations (tenant_id) {
        tenant_id -> BigInt,
        enabled -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        webhook_url -> Nullable<Text>,
        allow_unsigned_links -> Bool,
        sync_token_hash -> Nullable<Text>,
        updated_at -> Timestamp,
        allow_private_targets -> Bool,
    }
}

diesel::table! {
    devices (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        user_id -> Nullable<BigInt>,
        hostname -> Text,
        platform -> Text,
        agent_guid -> Text,
        machine_id -> Text,
        group_id -> Text,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        token_hash -> Nullable<Text>,
        last_seen_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agent_nonces (tenant_id, nonce) {
        tenant_id -> BigInt,
        nonce -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    verification_codes (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        user_id -> Nullable<BigInt>,
        purpose -> Text,
        code_hash -> Text,
        payload -> Text,
        attempts -> Integer,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    software (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        chocolatey_id -> Nullable<Text>,
        homebrew_formula -> Nullable<Text>,
        homebrew_cask -> Nullable<Text>,
        all_companies -> Bool,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    software_companies (software_id, company_id) {
        software_id -> BigInt,
        company_id -> BigInt,
    }
}

diesel::table! {
    device_actions (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        device_id -> BigInt,
        requested_by -> BigInt,
        kind -> Text,
        software_id -> Nullable<BigInt>,
        status -> Text,
        result -> Nullable<Text>,
        created_at -> Timestamp,
        dispatched_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    step_ups (session_id) {
        session_id -> Text,
        user_id -> BigInt,
        factor -> Text,
        proven_at -> Timestamp,
    }
}

diesel::table! {
    sms_counters (counter_key) {
        counter_key -> Text,
        sent -> Integer,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    sms_policies (tenant_id) {
        tenant_id -> BigInt,
        allowed_prefixes -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    device_inventories (device_id) {
        device_id -> BigInt,
        kind -> Text,
        manufacturer -> Nullable<Text>,
        model -> Nullable<Text>,
        serial_number -> Nullable<Text>,
        os_name -> Nullable<Text>,
        os_version -> Nullable<Text>,
        ip_addresses -> Text,
        disks -> Text,
        software_count -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    entitlements (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        device_id -> Nullable<BigInt>,
        kind -> Text,
        product -> Text,
        vendor -> Nullable<Text>,
        seats -> Nullable<BigInt>,
        starts_on -> Nullable<Text>,
        expires_on -> Nullable<Text>,
        notes -> Nullable<Text>,
        from_rmm -> Bool,
        reminded_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sla_calendars (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        time_zone -> Text,
        hours -> Text,
        holidays -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sla_plans (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        calendar_id -> BigInt,
        targets -> Text,
        pause_statuses -> Text,
        is_default -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    company_sla_plans (company_id) {
        company_id -> BigInt,
        tenant_id -> BigInt,
        plan_id -> BigInt,
    }
}

diesel::joinable!(memberships -> companies (company_id));
diesel::joinable!(memberships -> users (user_id));
diesel::table! {
    psa_integrations (tenant_id) {
        tenant_id -> BigInt,
        sync_token_hash -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invoices (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        psa_id -> Nullable<Text>,
        number -> Text,
        issued_on -> Text,
        due_on -> Text,
        currency -> Text,
        net_minor -> BigInt,
        tax_minor -> BigInt,
        total_minor -> BigInt,
        paid_minor -> BigInt,
        status -> Text,
        payment_url -> Nullable<Text>,
        pdf_key -> Nullable<Text>,
        pdf_size -> Nullable<BigInt>,
        pdf_sha256 -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    invoice_lines (id) {
        id -> BigInt,
        invoice_id -> BigInt,
        position -> Integer,
        description -> Text,
        quantity_milli -> BigInt,
        unit_price_minor -> BigInt,
        amount_minor -> BigInt,
    }
}

diesel::table! {
    contracts (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        psa_id -> Nullable<Text>,
        name -> Text,
        kind -> Text,
        currency -> Nullable<Text>,
        period_start -> Text,
        period_end -> Nullable<Text>,
        purchased -> BigInt,
        used -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    time_entries (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        contract_id -> Nullable<BigInt>,
        psa_id -> Nullable<Text>,
        worked_on -> Text,
        minutes -> BigInt,
        description -> Text,
        technician_name -> Nullable<Text>,
        ticket_ref -> Nullable<Text>,
        project_ref -> Nullable<Text>,
        billable -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    projects (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        psa_id -> Nullable<Text>,
        name -> Text,
        status -> Text,
        starts_on -> Nullable<Text>,
        ends_on -> Nullable<Text>,
        estimated_minutes -> BigInt,
        used_minutes -> BigInt,
        currency -> Nullable<Text>,
        charges_minor -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    project_tasks (id) {
        id -> BigInt,
        project_id -> BigInt,
        position -> Integer,
        phase_position -> Nullable<Integer>,
        name -> Text,
        status -> Text,
        starts_on -> Nullable<Text>,
        ends_on -> Nullable<Text>,
        percent_done -> Integer,
    }
}

diesel::table! {
    project_members (id) {
        id -> BigInt,
        project_id -> BigInt,
        user_id -> Nullable<BigInt>,
        name -> Text,
        email -> Nullable<Text>,
        technician -> Bool,
    }
}

diesel::table! {
    project_notes (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        project_id -> BigInt,
        author_user_id -> Nullable<BigInt>,
        author_name -> Text,
        body -> Text,
        from_portal -> Bool,
        created_at -> Timestamp,
    }
}

diesel::joinable!(signin_events -> users (user_id));
diesel::joinable!(company_email_domains -> companies (company_id));
diesel::joinable!(companies -> tenants (tenant_id));
diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(tickets -> companies (company_id));
diesel::joinable!(tickets -> request_types (request_type_id));
diesel::joinable!(tickets -> queues (queue_id));
diesel::joinable!(validations -> tickets (ticket_id));
diesel::joinable!(devices -> companies (company_id));
diesel::joinable!(device_inventories -> devices (device_id));
diesel::joinable!(entitlements -> devices (device_id));
diesel::joinable!(device_actions -> devices (device_id));
diesel::joinable!(software_companies -> software (software_id));
diesel::joinable!(validation_decisions -> validations (validation_id));
diesel::joinable!(validation_decisions -> users (user_id));
diesel::joinable!(invoices -> companies (company_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(contracts -> companies (company_id));
diesel::joinable!(time_entries -> contracts (contract_id));
diesel::table! {
    project_attachments (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        project_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    psa_changes (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        project_id -> BigInt,
        note_id -> Nullable<BigInt>,
        attachment_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(projects -> companies (company_id));
diesel::joinable!(project_tasks -> projects (project_id));
diesel::joinable!(project_members -> projects (project_id));
diesel::joinable!(project_notes -> projects (project_id));
diesel::joinable!(project_attachments -> projects (project_id));
diesel::joinable!(psa_changes -> projects (project_id));
diesel::table! {
    vault_keys (tenant_id, version) {
        tenant_id -> BigInt,
        version -> Integer,
        wrapped_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vault_entries (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        title -> Text,
        username -> Nullable<Text>,
        url -> Nullable<Text>,
        notes -> Nullable<Text>,
        tags -> Text,
        folder -> Nullable<Text>,
        secret -> Nullable<Text>,
        totp_seed -> Nullable<Text>,
        key_version -> Integer,
        revision -> Integer,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vault_documents (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        title -> Text,
        body -> Text,
        status -> Text,
        audience -> Text,
        audience_label -> Nullable<Text>,
        audience_key -> Nullable<Text>,
        owner_company_id -> Nullable<BigInt>,
        revision -> BigInt,
        created_by -> BigInt,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    vault_document_companies (document_id, company_id) {
        document_id -> BigInt,
        company_id -> BigInt,
        tenant_id -> BigInt,
    }
}

diesel::table! {
    vault_document_revisions (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        document_id -> BigInt,
        revision -> BigInt,
        title -> Text,
        body -> Text,
        status -> Text,
        audience -> Text,
        audience_label -> Nullable<Text>,
        audience_companies -> Text,
        edited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vault_document_attachments (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        document_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vault_reveals (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        company_id -> BigInt,
        entry_id -> BigInt,
        entry_title -> Text,
        user_id -> BigInt,
        ip -> Nullable<Text>,
        revealed_at -> Timestamp,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        url -> Text,
        event_types -> Text,
        description -> Text,
        enabled -> Bool,
        internal -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        created_by -> BigInt,
        failing_since -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        subscription_id -> BigInt,
        event_id -> Text,
        event_type -> Text,
        ordering_key -> Nullable<Text>,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        attempted_at -> Timestamp,
        response_status -> Nullable<Integer>,
        duration_ms -> BigInt,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(vault_entries -> companies (company_id));
diesel::joinable!(vault_reveals -> users (user_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    companies,
    users,
    memberships,
    recovery_codes,
    refresh_tokens,
    api_tokens,
    password_tokens,
    email_changes,
    role_change_requests,
    company_email_domains,
    signin_events,
    account_policies,
    signin_sessions,
    signin_throttles,
    audit_events,
    ticket_settings,
    ticket_counters,
    request_types,
    queues,
    custom_fields,
    tickets,
    ticket_notes,
    ticket_events,
    attachments,
    idempotency_keys,
    kb_categories,
    kb_articles,
    kb_article_companies,
    kb_article_tags,
    kb_article_revisions,
    kb_article_views,
    kb_article_attachments,
    kb_feedback,
    validations,
    validation_decisions,
    change_requests,
    decision_links,
    outbox,
    notice_opt_outs,
    rmm_integrations,
    devices,
    device_inventories,
    entitlements,
    agent_nonces,
    verification_codes,
    software,
    software_companies,
    device_actions,
    psa_integrations,
    invoices,
    invoice_lines,
    contracts,
    time_entries,
    projects,
    project_tasks,
    project_members,
    project_notes,
    project_attachments,
    psa_changes,
    vault_keys,
    vault_entries,
    vault_reveals,
    vault_documents,
    vault_document_companies,
    vault_document_revisions,
    vault_document_attachments,
    webhook_subscriptions,
    webhook_deliveries,
    webhook_attempts,
    sla_calendars,
    sla_plans,
    company_sla_plans,
);
