"""Celery tasks of customer accounts (found by the Celery app's autodiscovery)."""

from modules.accounts.notifications import outbox_sweep, send_outbox_email

__all__ = ["outbox_sweep", "send_outbox_email"]
