"""Celery tasks of customer accounts (found by the Celery app's autodiscovery)."""

from celery import shared_task

from modules.accounts.notifications import outbox_sweep, send_outbox_email

__all__ = ["outbox_sweep", "password_reset_send_task", "send_outbox_email"]


@shared_task(name="accounts.password_reset_send")
def password_reset_send_task(email: str, base_url: str) -> bool:
    """The lookup and the email of a reset request (services.password_reset_request)."""
    from modules.accounts import services

    return services.password_reset_send(email=email, base_url=base_url) is not None
