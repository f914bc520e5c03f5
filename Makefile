# Two commands matter: `make demo` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN := $(UV) run --frozen
MANAGE := $(RUN) python manage.py
PORT ?= 8000

.PHONY: help uv install demo serve migrate seed lint test test-fast e2e bench messages check-deploy

help:
	@echo "make demo   - set up everything and serve the platform with a demo tenant"
	@echo "make test   - lint, then the whole test suite"
	@echo "make lint   - ruff, mypy, import-linter, makemigrations --check, check --deploy"
	@echo "make bench  - provisioning, page, search, community, tickets and lifecycle benchmarks (print figures)"

uv:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet --user uv

install: uv
	$(UV) sync --frozen

migrate: install
	$(MANAGE) migrate_tenants

# The pool is filled first, so the demo tenant is provisioned the way a signup is.
seed: migrate
	$(MANAGE) refill_spares --target 2
	$(MANAGE) seed_demo

demo: export PLATFORM_PORT = $(PORT)
demo: seed
	@echo
	@echo "Serving on http://localhost:$(PORT)/ (platform) and http://demo.localhost:$(PORT)/ (demo portal)."
	$(MANAGE) runserver 0.0.0.0:$(PORT)

serve: install
	$(MANAGE) runserver 0.0.0.0:$(PORT)

messages: install
	$(RUN) python bin/compilemessages.py

lint: install
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(RUN) mypy tenants/services.py tenants/selectors.py tenants/provisioning.py api/services.py modules/registry.py \
	  modules/accounts/services.py modules/accounts/selectors.py modules/forum/services.py \
	  modules/forum/selectors.py modules/ideas/services.py modules/ideas/selectors.py \
	  modules/tickets/services.py modules/tickets/selectors.py modules/tickets/permissions.py modules/tickets/sla.py
	$(RUN) lint-imports
	$(RUN) python bin/compilemessages.py --check
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(MANAGE) check --deploy --fail-level WARNING

test: lint
	$(RUN) pytest

test-fast: install
	$(RUN) pytest -x -q -m "not e2e and not worker"

e2e: install
	$(RUN) pytest -m e2e

bench: install
	$(RUN) python bench/provisioning.py
	$(RUN) python bench/pages.py
	$(RUN) python bench/search.py
	$(RUN) python bench/community.py
	$(RUN) python bench/tickets.py
	$(RUN) python bench/lifecycle.py
