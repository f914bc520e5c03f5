"""Settings for the Celery workers of tests/tickets/test_reliability.py: the test settings, with
emails written as files into TEST_EMAIL_DIR (so the test can count what left, across processes)
by a backend that waits while the file TEST_BLOCK_FLAG exists (so a worker can be killed in the
middle of sending)."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "tests.tickets.worker_settings.BlockingFileBackend"
EMAIL_FILE_PATH = os.environ.get("TEST_EMAIL_DIR", "")


class BlockingFileBackend(FileBackend):
    def send_messages(self, email_messages):
        flag = os.environ.get("TEST_BLOCK_FLAG", "")
        if flag and Path(flag).exists():
            Path(flag + ".entered").touch()
            while Path(flag).exists():
                time.sleep(0.05)
        return super().send_messages(email_messages)
