DROP TABLE outbox;
DROP TABLE decision_links;
DROP TABLE change_requests;
DROP TABLE validation_decisions;
DROP TABLE validations;
