"""`polku retention plan|show|approve|reject|apply`: the retention job from the command line (or a scheduler).

`plan` can run unattended (the planner is then "the scheduled job"); approving and rejecting always name
the data controller with --by, and the approver must not be the planner. `apply` removes only what a
controller approved, so it may run unattended too (--by optional; when given, it must be a data controller).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from polku.core.errors import DomainError
from polku.core.models import User
from polku.lifecycle import services
from polku.lifecycle.models import RetentionRun


class Command(BaseCommand):
    help = "Plan, approve and apply the removal of records past their retention period."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        plan = actions.add_parser("plan", help="list what is past its period (removes nothing)")
        plan.add_argument("--by", help="username of the data controller (default: the scheduled job)")
        show = actions.add_parser("show", help="show a run")
        show.add_argument("run", type=int)
        for name in ("approve", "reject", "apply"):
            sub = actions.add_parser(name)
            sub.add_argument("run", type=int)
            sub.add_argument("--by", required=name != "apply", help="username of the data controller")
            if name != "apply":
                sub.add_argument("--note", default="")

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user

    def _run(self, number: int) -> RetentionRun:
        run = RetentionRun.objects.filter(pk=number).first()
        if run is None:
            raise CommandError(f"no retention run {number}")
        return run

    def _show(self, run: RetentionRun) -> None:
        self.stdout.write(f"run {run.pk}: {run.get_status_display()} (planned {run.planned_at:%Y-%m-%d %H:%M})")
        totals: dict[str, list[int]] = {}
        for item in run.items.all():
            entry = totals.setdefault(item.record_type, [0, 0])
            entry[0] += 1
            entry[1] += item.rows
        for record_type, (items, rows) in sorted(totals.items()):
            self.stdout.write(f"  {record_type}: {items} item(s), {rows} row(s)")
        if not totals:
            self.stdout.write("  nothing is past its retention period")
        for label, count in sorted(run.result.items()):
            self.stdout.write(f"  removed {label}: {count}")

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "plan":
                run = services.plan_retention(actor=self._user(options.get("by")))
            elif action == "show":
                run = self._run(options["run"])
            elif action in ("approve", "reject"):
                run = services.decide_retention(actor=self._user(options["by"]), run=self._run(options["run"]),
                                                approve=action == "approve", note=options["note"])
            else:
                run = services.apply_retention(actor=self._user(options.get("by")), run=self._run(options["run"]))
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self._show(run)
