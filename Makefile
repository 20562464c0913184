SHELL := /bin/bash

.PHONY: run test lint openapi contract bench bench-me bench-tickets bench-kb bench-outbox bench-agent bench-auth bench-psa bench-sla

run:
	cargo run --release -p clientdesk-server --bin clientdesk -- serve --demo

# The output is kept in target/test-output.log: CI checks there that the PostgreSQL tests ran.
test:
	@mkdir -p target
	cargo test --workspace 2>&1 | tee target/test-output.log; exit $${PIPESTATUS[0]}

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# The contract's gates: Redocly, generated TypeScript and Python clients, Schemathesis.
contract:
	bash clients/check

openapi:
	cargo run -p clientdesk-server --bin clientdesk -- openapi > openapi/openapi.json.tmp
	mv openapi/openapi.json.tmp openapi/openapi.json

bench: bench-me bench-tickets bench-kb bench-outbox bench-agent bench-auth bench-psa bench-sla

bench-me:
	bash bench/me.sh

bench-tickets:
	bash bench/tickets.sh

bench-kb:
	bash bench/kb.sh

bench-outbox:
	bash bench/outbox.sh

bench-agent:
	bash bench/agent.sh

bench-auth:
	bash bench/auth.sh

bench-psa:
	bash bench/psa.sh

bench-sla:
	bash bench/sla.sh
