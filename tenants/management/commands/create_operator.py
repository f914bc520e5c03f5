"""Create or update a platform operator (public schema) who can sign in at /operator/."""

import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from tenants.console.services import operator_2fa_reset, operator_ensure


class Command(BaseCommand):
    help = (
        "Create or update a platform operator in the public schema: staff, in the "
        "'Platform operators' group. Safe to run again; without a password option an existing "
        "operator's password is left as it is. --reset-2fa removes the operator's authenticator "
        "and backup codes (audited): they set up a new one at their next sign-in."
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
        parser.add_argument(
            "--reset-2fa",
            action="store_true",
            help="Remove the operator's two-step sign-in devices and backup codes (for a lost "
            "phone); they enrol again after their next password sign-in.",
        )

    def handle(self, *args, **options):
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Not a valid email address: {email!r}") from exc
        password = options["password"]
        if options["reset_2fa"]:
            if password is not None or options["password_stdin"]:
                raise CommandError("--reset-2fa does not set a password; run it on its own.")
            self._reset_2fa(email)
            return
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

    def _reset_2fa(self, email: str) -> None:
        try:
            removed = operator_2fa_reset(email=email, actor="manage.py create_operator")
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No operator {email}.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} two-step sign-in device(s) of {email}: they set up a new "
                "authenticator at their next sign-in."
            )
        )
