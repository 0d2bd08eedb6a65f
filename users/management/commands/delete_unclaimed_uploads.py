from datetime import timedelta

from django.core.management.base import BaseCommand

from users.uploads import UNUSED_UPLOAD_MAX_AGE, delete_unused_uploads


class Command(BaseCommand):
    help = (
        "Delete uploads, anonymous or not, that are on no comment and nobody's profile image, "
        "once they are older than --hours; their files too."
    )

    def add_arguments(self, parser):
        default_hours = int(UNUSED_UPLOAD_MAX_AGE.total_seconds() // 3600)
        parser.add_argument("--hours", type=int, default=default_hours, help=f"age in hours (default {default_hours})")

    def handle(self, *args, hours, **options):
        deleted = delete_unused_uploads(older_than=timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} unused upload(s).")
