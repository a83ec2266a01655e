# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso measurement …`: the snapshots, the dashboard feed and the rules from the command line.

* ``refresh``: the incremental run (from cron every few minutes): the commune-months whose records changed
  and this month everywhere, then the ended months pushed to the provincial dashboard;
* ``rebuild --from 2026M01 --to 2026M11``: every snapshot of those months, recomputed in full;
* ``publish``: the ended months never pushed, or changed since, pushed;
* ``load``: the rules xaso ships (where none are loaded yet), or ``--indicators FILE`` / ``--ruleset FILE``.

Whoever runs the server runs these: they act as the system, and the audit trail says so.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xaso.core import tenancy
from xaso.core.clock.calendar import today as local_today
from xaso.modules.measurement import compute, feed, months, rules
from xaso.modules.measurement.models import Indicator, RuleSet


class Command(BaseCommand):
    help = "Measurement: refresh or rebuild the snapshots, push the ended months, load the rules."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh", "rebuild", "publish", "load"])
        parser.add_argument("--from", dest="first", help="rebuild: the first month, e.g. 2026M01 (default: a year "
                                                         "before the last).")
        parser.add_argument("--to", dest="last", help="rebuild: the last month, e.g. 2026M11 (default: this month).")
        parser.add_argument("--indicators", metavar="FILE", help="load: a YAML file of indicators.")
        parser.add_argument("--ruleset", metavar="FILE", help="load: a YAML file of a Decision 766 rule set.")

    def handle(self, *args, action, **options):
        today = local_today()
        with tenancy.unscoped():
            try:
                getattr(self, f"_{action}")(today, **options)
            except ValidationError as exc:
                raise CommandError("\n".join(exc.messages)) from None

    def _refresh(self, today, **options):
        written = compute.refresh(today=today)
        self.stdout.write(f"{written} commune-month(s) recomputed.")
        self._publish(today)

    def _rebuild(self, today, *, first, last, **options):
        last = months.parse(last, today) if last else months.containing(today)
        first = months.parse(first, today) if first else months.recent(last.start, compute.FIRST_REBUILD_MONTHS)[0]
        if first.start > last.start:
            raise CommandError(f"--from {first.key} comes after --to {last.key}.")
        written = compute.rebuild(first=first, last=last, today=today)
        self.stdout.write(f"{written} commune-month(s) recomputed, {first.key} to {last.key}.")

    def _publish(self, today, **options):
        made = feed.publish_closed(today)
        for publication in made:
            self.stdout.write(f"Queued {publication.commune_id} {publication.period} revision {publication.revision}.")
        self.stdout.write(f"{len(made)} month(s) queued for the provincial dashboard.")

    def _load(self, today, *, indicators, ruleset, **options):
        if not indicators and not ruleset:
            self._load_shipped()
            return
        if ruleset:
            loaded = rules.ruleset_load(_read(ruleset))
            self.stdout.write(f"Rule set {loaded.code} loaded ({loaded.criteria.count()} criteria, in force from "
                              f"{loaded.effective_from}).")
        if indicators:
            loaded = rules.indicators_load(_read(indicators))
            self.stdout.write(f"{len(loaded)} indicator(s) loaded.")


    def _load_shipped(self):
        kinds = {"rule set(s)": RuleSet, "indicator(s)": Indicator}
        before = {what: model.objects.count() for what, model in kinds.items()}
        rules.load_shipped()
        for what, model in kinds.items():
            added = model.objects.count() - before[what]
            self.stdout.write(f"Shipped {what}: {added} loaded." if added else
                              f"Shipped {what}: none loaded ({before[what]} already there).")

def _read(name: str) -> str:
    try:
        with open(name, encoding="utf-8") as f:
            return f.read()
    except OSError as error:
        raise CommandError(f"Cannot read {name}: {error.strerror}.") from None
