# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's measurement: four months of one-stop history in each of the three demo communes, the
figures xaso cannot count entered by hand for the months that have ended, the snapshots computed and each
ended month sent to the provincial dashboard's fake.

The history is what a commune brings from its former one-stop software when it starts on xaso (dossiers
already resolved, with their dates, papers and ratings), so it is written as such rows rather than walked
through today's workflow. Each commune has its own profile (on time, online, digitised, satisfied) so that
the three scores differ and each lost point has dossiers behind it. Running the demo again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xaso.core.clock.calendar import calendar_for
from xaso.core.files.services import file_store
from xaso.core.places.models import Commune
from xaso.modules.dossiers.models import Dossier, DossierComponent, Paper, Rating

from . import compute, months, rules
from .models import Figure, Origin

HISTORY_MONTHS = 4
PER_MONTH = 14
# commune: (share on time, share online, share digitised, share rated dissatisfied)
PROFILES = {"06688": (0.93, 0.8, 0.9, 0.05), "06862": (0.8, 0.55, 0.7, 0.12), "06994": (0.65, 0.35, 0.5, 0.2)}
SLUGS = {"06688": "halong", "06862": "tienyen", "06994": "vandon"}
NAMES = ("Nguyễn Văn Bình", "Trần Thị Lan", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang",
         "Đặng Văn Hải", "Bùi Thị Hạnh", "Đỗ Văn Khánh", "Ngô Thị Liên")
# The figures only other systems hold, as the commune read them off the national portal and PayGov:
# (measure, share of the month's dossiers).
ENTERED = {"06688": {"portal.synced": 1.0, "procedures.updated_on_time": 1.0, "payments.online": 0.6},
           "06862": {"portal.synced": 0.95, "procedures.updated_on_time": 1.0, "payments.online": 0.4},
           "06994": {"portal.synced": 0.9, "procedures.updated_on_time": 0.75, "payments.online": 0.2}}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def seed(*, today: dt.date) -> dict[str, int]:
    rules.load_shipped()
    made = sum(_history(Commune.objects.get(pk=code), today) for code in PROFILES)
    entered = sum(_entries(code, today) for code in PROFILES)
    span = months.recent(today, HISTORY_MONTHS + 1)
    compute.rebuild(first=span[0], last=span[-1], today=today)
    from . import feed

    published = len(feed.publish_closed(today))
    return {"history dossiers": made, "manual figures": entered, "dashboard publications": published}


def _history(commune: Commune, today: dt.date) -> int:
    from xaso.modules.procedures.selectors import enabled_procedures

    procedures = list(enabled_procedures(commune))
    if not procedures:
        return 0
    on_time, online, digitised, unhappy = PROFILES[commune.pk]
    cal = calendar_for(commune.province_id)
    chairperson = get_user_model().objects.get(username=f"{SLUGS[commune.pk]}-chairperson")
    scan = None
    rng = random.Random(commune.pk)  # the same history on every machine
    made = 0
    for month in months.recent(today, HISTORY_MONTHS + 1)[:-1]:
        for n in range(PER_MONTH):
            code = f"LS-{commune.pk}-{month.key}-{n:02d}"
            if Dossier.objects.filter(code=code).exists():
                continue
            procedure = procedures[n % len(procedures)]
            if scan is None:  # one scan for the history's papers, stored when there is history to write
                scan = file_store(actor=chairperson, commune=commune,
                                  upload=SimpleUploadedFile("ban-quet.pdf", PDF, content_type="application/pdf"))
            received = cal.next_working_day(month.start + dt.timedelta(days=n % 20))
            due = cal.due_date(received, procedure.processing_days)
            late = rng.random() > on_time
            resolved = (due + dt.timedelta(days=rng.randint(1, 4)) if late
                        else max(received, due - dt.timedelta(days=rng.randint(0, 2))))
            d = Dossier.objects.create(
                commune=commune, code=code, procedure=procedure, status="returned",
                channel="2" if rng.random() < online else "1", applicant_name=NAMES[n % len(NAMES)],
                applicant_id_number=f"0221900{commune.pk[-2:]}{n:03d}", filed_by=chairperson,
                received_at=_at(received, 9), accepted_at=_at(received, 9), processing_days=procedure.processing_days,
                clock_start=received, due_date=due, resolved_at=_at(resolved, 15), resolved_on=resolved,
                returned_at=_at(resolved, 16))
            full = rng.random() < digitised
            for i, component in enumerate(procedure.components.all()[:2]):
                paper = None
                if full or i > 0:
                    paper = Paper.objects.create(commune=commune, kind=Paper.Kind.COMPONENT, title=component.name,
                                                 owner_id_number=d.applicant_id_number, file=scan)
                DossierComponent.objects.create(dossier=d, name=component.name, paper=paper)
            if full or rng.random() < 0.5:
                Paper.objects.create(commune=commune, kind=Paper.Kind.RESULT, title=procedure.result_type or
                                     procedure.name, owner_id_number=d.applicant_id_number, file=scan, source=d)
            if rng.random() < 0.6:
                score = 2 if rng.random() < unhappy / 0.6 else rng.choice((4, 5))
                Rating.objects.create(dossier=d, score=score, channel=d.channel,
                                      comment="" if score > 2 else "Phải đi lại nhiều lần.")
            made += 1
    return made


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _entries(code: str, today: dt.date) -> int:
    """The ended months only: the current month's figures are not known yet, and its page says so."""
    chairperson = get_user_model().objects.get(username=f"{SLUGS[code]}-chairperson")
    made = 0
    for month in months.recent(today, HISTORY_MONTHS + 1)[:-1]:
        total = PER_MONTH
        for measure, share in ENTERED[code].items():
            _row, created = Figure.objects.get_or_create(
                commune_id=code, period=month.key, measure=measure,
                defaults={"numerator": round(total * share), "denominator": total, "origin": Origin.MANUAL,
                          "entered_by": chairperson, "note": "Số liệu từ Cổng Dịch vụ công quốc gia",
                          "computed_at": timezone.now()})
            made += created
    return made
