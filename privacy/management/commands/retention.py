from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy import retention


class Command(BaseCommand):
    help = (
        "Delete and anonymise personal data whose retention period is over (what the daily task "
        "does). With --dry-run: only show what would go."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="change nothing")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            counts = retention.plan(now=timezone.now()).counts()
            self.stdout.write("Dry run, nothing changed. Due now:")
        else:
            counts = retention.run(now=timezone.now()).counts
            self.stdout.write("Deleted or anonymised:")
        for key, label in retention.CATEGORIES.items():
            self.stdout.write(f"  {counts[key]:>7}  {label}")
