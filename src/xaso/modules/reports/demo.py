# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo field reports: each commune's categories (a sample a commune adapts), Hạ Long's routing by village,
and reports at every stage around its centre, filed through the services (a second run adds nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xaso.core.accounts.models import User
from xaso.core.places.models import Commune, Village

from . import services
from .models import Category, Report, ResponseTemplate, Route

# (code, name, group, working days) — sample categories, marked so on the pages' descriptions.
CATEGORIES = (
    ("den-duong", "Đèn đường hỏng", "Hạ tầng đô thị", 3),
    ("duong-hu-hong", "Đường, vỉa hè hư hỏng", "Hạ tầng đô thị", 10),
    ("rac-thai", "Rác thải, vệ sinh môi trường", "Môi trường", 2),
    ("ngap-ung", "Ngập úng, tắc cống", "Môi trường", 3),
    ("cay-xanh", "Cây xanh gãy đổ", "Hạ tầng đô thị", 2),
    ("trat-tu", "Lấn chiếm vỉa hè, trật tự đô thị", "Trật tự", 5),
)
SLUGS = {"06688": "halong", "06862": "tienyen", "06994": "vandon"}
# Hạ Long: around the centre of Hồng Gai, inside the demo outline (approximate points, for the demo only).
REPORTS = (
    ("den-duong", "Hai cột đèn trước số 15 đường Hạ Long không sáng từ tối qua.", "20.951200", "107.078900", ""),
    ("rac-thai", "Rác tồn đọng ở góc chợ đêm, bốc mùi.", "20.954300", "107.082100", "resolve"),
    ("ngap-ung", "Cống thoát nước trước trường học bị tắc, mưa là ngập.", "20.948800", "107.085600", "start"),
    ("duong-hu-hong", "Ổ gà lớn giữa đường, xe máy dễ ngã.", "20.957100", "107.075400", "close"),
)


# (title, category code or None for every category, text) — sample prepared answers.
RESPONSES = (
    ("Đã khắc phục", None, "UBND đã cử cán bộ kiểm tra và khắc phục xong. Cảm ơn ông/bà đã phản ánh."),
    ("Đã thay bóng đèn", "den-duong",
     "Đơn vị chiếu sáng đã thay bóng và kiểm tra lại tuyến đèn; đèn đã sáng bình thường."),
    ("Đã thu gom rác", "rac-thai", "Tổ vệ sinh môi trường đã thu gom và vệ sinh khu vực trong ngày."),
    ("Cần thêm thông tin", None, "Đề nghị ông/bà cho biết thêm vị trí cụ thể (số nhà, ngõ) để cán bộ đến kiểm tra."),
)


def seed(*, today: date) -> dict[str, int]:
    made = {"report categories": 0, "field reports": 0, "prepared answers": 0}
    for code, slug in SLUGS.items():
        commune = Commune.objects.get(pk=code)
        specialist = User.objects.get(username=f"{slug}-specialist")
        for key, name, group, days in CATEGORIES:
            _category, created = Category.objects.get_or_create(commune=commune, code=key, defaults={
                "name": name, "group": group, "deadline_days": days, "handler": specialist,
                "description": "Lĩnh vực mẫu (dữ liệu mẫu): xã điều chỉnh theo thực tế."})
            made["report categories"] += created
        it_officer = User.objects.get(username=f"{slug}-it-officer")
        for title, key, text in RESPONSES:
            if not ResponseTemplate.objects.filter(commune=commune, title=title).exists():
                category = Category.objects.get(commune=commune, code=key) if key else None
                services.response_template_save(actor=it_officer, commune=commune, title=title, text=text,
                                                category=category)
                made["prepared answers"] += 1
    commune = Commune.objects.get(pk="06688")
    village_head = User.objects.get(username="halong-village-head")
    first_village = Village.objects.filter(commune=commune).order_by("name").first()
    if first_village is not None:
        Route.objects.get_or_create(category=Category.objects.get(commune=commune, code="rac-thai"),
                                    village=first_village, defaults={"handler": village_head})
    if Report.objects.filter(commune=commune).exists():
        return made
    citizen = User.objects.get(username="demo-citizen")
    specialist = User.objects.get(username="halong-specialist")
    for key, text, lat, lon, stage in REPORTS:
        report = services.report_file(
            actor=citizen, commune=commune, category=Category.objects.get(commune=commune, code=key),
            description=text, place=services.Place(latitude=Decimal(lat), longitude=Decimal(lon)),
            reporter=services.Reporter(), idempotency_key=f"demo-report-{key}")
        if stage in ("start", "resolve", "close"):
            report = services.report_step(actor=specialist, report=report, name="start")
        if stage in ("resolve", "close"):
            report = services.report_resolve(actor=specialist, report=report,
                                             answer="Đã cử tổ vệ sinh môi trường thu gom trong ngày.")
        if stage == "close":
            services.report_rate(actor=citizen, report=report, rating=5)
        made["field reports"] += 1
    return made
