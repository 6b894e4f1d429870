"""The outbox at a glance on the server: counts by state and kind, the latest failures."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from notifications import services
from notifications.models import Notification


class Command(BaseCommand):
    help = (
        "Show the notification outbox: counts by state and kind, and the latest failed rows with "
        "their error. --retry-failed makes every failed row pending again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed", type=int, default=20, help="how many failed rows to list (default 20)"
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="make the failed rows pending again; the next scan sends them",
        )

    def handle(self, *args, **options):
        if options["retry_failed"]:
            retried = services.retry(Notification.objects.all())
            self.stdout.write(f"{retried} failed notification(s) pending again.")
        self._counts()
        self._failures(options["failed"])

    def _counts(self):
        rows = (
            Notification.objects.order_by()
            .values_list("kind", "state")
            .annotate(n=Count("pk"))
            .values_list("kind", "state", "n")
        )
        table = {}
        for kind, state, n in rows:
            table.setdefault(kind, {})[state] = n
        states = Notification.State.values
        by_state = {state: sum(row.get(state, 0) for row in table.values()) for state in states}
        total = sum(by_state.values())
        self.stdout.write("By state: " + ", ".join(f"{s} {by_state[s]}" for s in states))
        self.stdout.write(f"Total: {total}")
        if not table:
            return
        width = max(len(kind) for kind in table)
        self.stdout.write("")
        self.stdout.write(f"{'kind':<{width}}  " + "  ".join(f"{s:>7}" for s in states))
        for kind in sorted(table):
            counts = "  ".join(f"{table[kind].get(s, 0):>7}" for s in states)
            self.stdout.write(f"{kind:<{width}}  {counts}")

    def _failures(self, limit):
        if limit <= 0:
            return
        failed = list(
            Notification.objects.filter(state=Notification.State.FAILED)
            .order_by("-next_attempt_at", "-pk")
            .values_list("pk", "kind", "recipient", "due_at", "attempts", "error")[:limit]
        )
        if not failed:
            return
        self.stdout.write("")
        self.stdout.write(f"Latest failed ({len(failed)}):")
        for pk, kind, recipient, due_at, attempts, error in failed:
            first_line = (error.splitlines() or [""])[0]
            self.stdout.write(
                f"  #{pk} {kind} to {recipient}, due {due_at:%Y-%m-%d %H:%M} UTC, "
                f"{attempts} attempt(s): {first_line}"
            )
