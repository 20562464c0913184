DROP TABLE device_actions;
DROP TABLE software_companies;
DROP TABLE software;
ALTER TABLE users DROP COLUMN step_up_at;
ALTER TABLE users DROP COLUMN phone_verified_at;
DROP TABLE verification_codes;
DROP TABLE agent_nonces;
DROP TABLE devices;
DROP TABLE rmm_integrations;
