"""Celery tasks of the forum (found by the Celery app's autodiscovery)."""

from celery import shared_task


@shared_task(name="forum.daily_digest")
def daily_digest() -> int:
    """Run per tenant by the scheduler (ModuleSpec.scheduled_tasks)."""
    from modules.forum.services import digest_send

    return digest_send()
