-- System info: what the RMM's inventory says about each device, and the warranties and licences
-- of a company's assets (synced from the RMM per device, or written by staff). Dates are ISO 8601
-- calendar dates (YYYY-MM-DD) as text, which compare in order on both backends.

CREATE TABLE device_inventories (
    device_id BIGINT PRIMARY KEY REFERENCES devices (id),
    -- workstation, laptop, server, virtual_machine, mobile, network, printer or other.
    kind TEXT NOT NULL,
    manufacturer TEXT,
    model TEXT,
    serial_number TEXT,
    os_name TEXT,
    os_version TEXT,
    -- JSON arrays: ["10.0.4.17", ...] and [{"name": "C:", "size_bytes": ..., "free_bytes": ...}, ...].
    ip_addresses TEXT NOT NULL,
    disks TEXT NOT NULL,
    software_count BIGINT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX device_inventories_serial_idx ON device_inventories (serial_number);

CREATE TABLE entitlements (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    -- The device it covers; none for a company-wide licence.
    device_id BIGINT REFERENCES devices (id),
    -- warranty or licence.
    kind TEXT NOT NULL,
    product TEXT NOT NULL,
    vendor TEXT,
    seats BIGINT,
    starts_on TEXT,
    expires_on TEXT,
    notes TEXT,
    -- Synced from the RMM with its device (replaced by the next sync) rather than written by staff.
    from_rmm BOOLEAN NOT NULL,
    -- When the company's approvers were told of the coming expiry; cleared when expires_on changes.
    reminded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX entitlements_company_idx ON entitlements (company_id, expires_on);
CREATE INDEX entitlements_device_idx ON entitlements (device_id);
CREATE INDEX entitlements_expiry_idx ON entitlements (expires_on) WHERE reminded_at IS NULL;
