DROP TABLE vault_document_attachments;
DROP TABLE vault_document_revisions;
DROP TABLE vault_document_companies;
DROP TABLE vault_documents;
