"""Create the local-only demo login that `make run` prints. Refuses when DEBUG is off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Create (or reset) the local demo superuser. Only works with DEBUG on."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the site runs.")

    def handle(self, *args, url: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "The demo login is for local development only and is never created when "
                "DEBUG is off. Use `manage.py createsuperuser` instead."
            )
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.stdout.write(
            f"\n  Site:  {url}/\n  Admin: {url}/admin/\n"
            f"  Local demo login: {DEMO_USERNAME} / {DEMO_PASSWORD} (local only)\n"
        )
