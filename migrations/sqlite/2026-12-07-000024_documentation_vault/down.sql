DROP TABLE vault_reveals;
DROP TABLE vault_entries;
DROP TABLE vault_keys;
