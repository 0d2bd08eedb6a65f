from datetime import timedelta

from django.core.management.base import BaseCommand

from users.uploads import ANONYMOUS_CLAIM_WINDOW, delete_unclaimed_anonymous_uploads


class Command(BaseCommand):
    help = "Delete anonymous uploads (profile images before registering) that nobody claimed in time."

    def add_arguments(self, parser):
        default_hours = int(ANONYMOUS_CLAIM_WINDOW.total_seconds() // 3600)
        parser.add_argument("--hours", type=int, default=default_hours, help=f"age in hours (default {default_hours})")

    def handle(self, *args, hours, **options):
        deleted = delete_unclaimed_anonymous_uploads(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} unclaimed anonymous upload(s).")
