"""Enqueue the periodic background tasks that are due.

django-tasks has no scheduler of its own: cron (``*/15 * * * *``) or the demo's worker
loop runs this command, and the worker (``db_worker``) does the work.

- every run: the service-level check (``casework.tasks.notify_deadlines``): owners hear
  about deadlines that are approaching, team leads about overdue cases, each case once;
- once a week: the reminder to verify stale instruments
  (``catalogue.tasks.remind_stale_instruments``), when a week has passed since its last
  run;
- every run: the event reminders (``events.tasks.send_event_reminders``): everyone with a
  confirmed place at an event that starts tomorrow hears about it once
  (``Registration.reminded_at``);
- every run: the satisfaction survey (``monitoring.tasks.send_due_surveys``): invitations
  whose delay has passed go out, one reminder to those who have not answered, expired
  links are marked (``SurveyInvitation.sent_at``, ``reminded_at``, ``status``);
- every run: the figures of the dashboards and municipality views of the current
  quarter are computed where a change made them stale (``monitoring.tasks_figures``).

The tasks are idempotent, so running this command more often than needed, or twice at
once, sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from loket.casework.tasks import notify_deadlines
from loket.catalogue.tasks import remind_stale_instruments, reminder_due
from loket.events.tasks import send_event_reminders
from loket.monitoring.tasks import send_due_surveys
from loket.monitoring.tasks_figures import warm_figures


class Command(BaseCommand):
    help = (
        "Enqueue the periodic tasks that are due: the deadline check, the event "
        "reminders, the satisfaction survey and the programmes' figures every run, the "
        "stale-instrument reminder once a week. Run it every 15 minutes (cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        enqueued: list[Any] = [
            notify_deadlines.enqueue(),
            send_event_reminders.enqueue(),
            send_due_surveys.enqueue(),
            warm_figures.enqueue(),
        ]
        if reminder_due():
            enqueued.append(remind_stale_instruments.enqueue())
        for result in enqueued:
            self.stdout.write(f"{result.task.name}: {result.status}")
