"""Enqueue the periodic background tasks that are due.

django-tasks has no scheduler of its own: cron (``*/15 * * * *``) or the demo's worker
loop runs this command, and the worker (``db_worker``) does the work.

- every run: the service-level check (``casework.tasks.notify_deadlines``): owners hear
  about deadlines that are approaching, team leads about overdue cases, each case once;
- once a week: the reminder to verify stale instruments
  (``catalogue.tasks.remind_stale_instruments``), when a week has passed since its last
  run.

Both tasks are idempotent, so running this command more often than needed, or twice at
once, sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from loket.casework.tasks import notify_deadlines
from loket.catalogue.tasks import remind_stale_instruments, reminder_due


class Command(BaseCommand):
    help = (
        "Enqueue the periodic tasks that are due: the deadline check every run, the "
        "stale-instrument reminder once a week. Run it every 15 minutes (cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        enqueued = [notify_deadlines.enqueue()]
        if reminder_due():
            enqueued.append(remind_stale_instruments.enqueue())
        for result in enqueued:
            self.stdout.write(f"{result.task.name}: {result.status}")
