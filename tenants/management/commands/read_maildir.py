"""Hand every new message of a Maildir to the portals it is addressed to (tenants.inbound.route),
then move it to the Maildir's `cur` folder. Reading the same message twice changes nothing: each
portal stores a Message-ID once. Run it from cron or the mail server's delivery hook."""

from __future__ import annotations

import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.inbound import message_recipients, route


class Command(BaseCommand):
    help = "Read new messages from a Maildir into the portals' tickets."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The Maildir (with new/, cur/ and tmp/ in it).")

    def handle(self, *args, path: str, **options):
        if not (Path(path) / "new").is_dir():
            raise CommandError(f"{path} is not a Maildir (no new/ folder in it).")
        folder = Path(path)
        handed = skipped = 0
        for file in sorted((folder / "new").iterdir()):
            if not file.is_file() or file.name.startswith("."):
                continue
            raw = file.read_bytes()
            message = mailbox.MaildirMessage(raw)
            deliveries = route(raw=raw, recipients=message_recipients(message))
            if deliveries:
                handed += 1
            else:
                skipped += 1
            # Moved only once handed over: a crash before this line reads it again next time,
            # and the portals' Message-ID check makes that harmless. (Maildir: "seen" flag.)
            file.rename(folder / "cur" / f"{file.name.split(':', 1)[0]}:2,S")
        self.stdout.write(f"{handed} message(s) handed to portals, {skipped} for no portal.")
