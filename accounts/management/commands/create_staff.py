import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.services import user_create_verified


class Command(BaseCommand):
    help = (
        "Create (or update) a network staff account (or with --operator an operator account) with "
        "a verified e-mail address, so it can sign in before any mail has been sent: network staff "
        "work under /netzwerk/, operators also in /admin/. Either must set up a second factor at "
        "/konto/2fa/ before reaching them."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--operator",
            action="store_true",
            help="a superuser who runs the installation (very few); network staff are not",
        )
        parser.add_argument(
            "--password", help="the password; asked for when not given (preferable)"
        )

    def handle(self, *args, email, name, password, operator, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user_create_verified(
            email=email, password=password, name=name, is_staff=True, is_superuser=operator
        )
        role = "Operator" if operator else "Network staff"
        self.stdout.write(f"{role} account {email} is ready.")
