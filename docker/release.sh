#!/bin/sh
# Release steps, run by the one-shot `migrate` service before web, worker and beat start.
# Each step is idempotent, so running it on every `up` is safe.
set -eu

# The public schema first, then every tenant, spare and template schema (with progress), and the
# platform's own Tenant row and PLATFORM_DOMAIN, without which the signup host is a 404.
python manage.py migrate_tenants

# The template schema, stale spares brought up to date, and SPARE_SCHEMAS spares ready.
python manage.py refill_spares
