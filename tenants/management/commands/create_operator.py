"""Create or update a platform operator (public schema) who can sign in at /operator/."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from tenants.console.services import operator_ensure


class Command(BaseCommand):
    help = (
        "Create or update a platform operator in the public schema: staff, in the "
        "'Platform operators' group. Safe to run again; without a password option an existing "
        "operator's password is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The operator's email (the username).")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input (keeps it out of "
            "the process list and shell history).",
        )
        secret.add_argument(
            "--password", help="The password (visible to other users of this machine)."
        )

    def handle(self, *args, **options):
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Not a valid email address: {email!r}") from exc
        password = options["password"]
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password on standard input.")
        try:
            result = operator_ensure(email=email, password=password)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        if result.group_created:
            self.stdout.write("Created the 'Platform operators' group.")
        verb = "Created" if result.created else "Updated"
        detail = "password set" if result.password_set else "password unchanged"
        if result.created and not result.password_set:
            detail = "no password yet: run again with --password-stdin"
        self.stdout.write(self.style.SUCCESS(f"{verb} operator {email} ({detail})."))
