# The clientdesk server: built in a Rust image, run in a slim Debian one as a non-root user.
#   docker build -t clientdesk .
#   docker run -p 8080:8080 -v clientdesk-data:/data clientdesk        # SQLite in /data
# Configuration: the CLIENTDESK_* variables of README.md. Without CLIENTDESK_JWT_SECRET and
# CLIENTDESK_MASTER_KEY the server generates keys in /data: keep that volume, or set both.

FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release -p clientdesk-server --bin clientdesk \
    && cp target/release/clientdesk /usr/local/bin/clientdesk

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin clientdesk \
    && mkdir -p /data && chown clientdesk:clientdesk /data
COPY --from=builder /usr/local/bin/clientdesk /usr/local/bin/clientdesk
ENV CLIENTDESK_DATA_DIR=/data \
    CLIENTDESK_LISTEN=0.0.0.0:8080
VOLUME /data
WORKDIR /data
USER clientdesk
EXPOSE 8080
# No HEALTHCHECK: the image has no HTTP client, and `clientdesk` has no check command. Probe
# GET /health/ready (200 once the database answers) from the orchestrator, e.g. a Kubernetes
# httpGet readiness probe, or a load balancer's health check.
ENTRYPOINT ["clientdesk", "serve"]
