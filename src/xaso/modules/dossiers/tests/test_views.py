# SPDX-License-Identifier: AGPL-3.0-or-later
"""The pages: the counter, the officer's dossier page, the citizen's own pages, the public look-up."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from xaso import testing
from xaso.modules.dossiers import services
from xaso.modules.dossiers.models import Dossier, Paper, Rating, Status

from .conftest import pdf

A = testing.COMMUNE_A


def test_it_receives_at_the_counter_through_the_page(client_for, procedure):
    olivia = client_for("olivia")
    url = reverse("dossiers:intake", args=[A])
    choose = olivia.get(url)
    assert procedure.name in choose.content.decode()
    form = olivia.get(url + f"?procedure={procedure.code}")
    key = form.context["form"].initial["idempotency_key"]
    data = {"idempotency_key": key, "applicant_name": "Lê Văn Bình", "applicant_id_number": "001190054321",
            "applicant_phone": "0987654321", "channel": "1", "accept": "on", "component_0": pdf()}
    response = olivia.post(url + f"?procedure={procedure.code}", data)
    dossier = Dossier.objects.get(applicant_name="Lê Văn Bình")
    assert response.status_code == 302 and response.url == reverse("dossiers:detail", args=[A, dossier.code])
    assert dossier.status == Status.ACCEPTED and dossier.filed_by.username == "olivia"
    # The same form sent twice (a double click, a retried request) yields one dossier.
    data["component_0"] = pdf()
    olivia.post(url + f"?procedure={procedure.code}", data)
    assert Dossier.objects.filter(applicant_name="Lê Văn Bình").count() == 1


def test_it_shows_the_missing_component_in_vietnamese_and_saves_nothing(client_for, procedure):
    olivia = client_for("olivia")
    url = reverse("dossiers:intake", args=[A]) + f"?procedure={procedure.code}"
    response = olivia.post(url, {"idempotency_key": "k1", "applicant_name": "Lê Văn Bình",
                                 "applicant_id_number": "12345", "channel": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "12 chữ số" in body and "Thành phần này là bắt buộc" in body
    assert not Dossier.objects.exists()


def test_it_moves_a_dossier_with_the_page_actions_and_refuses_a_stale_form(client_for, receive, users):
    dossier = receive()
    olivia = client_for("olivia")
    url = reverse("dossiers:detail", args=[A, dossier.code])
    page = olivia.get(url)
    assert 'value="assign"' in page.content.decode()
    olivia.post(url, {"action": "assign", "version": dossier.version, "assign-assignee": users["sam"].pk})
    dossier.refresh_from_db()
    assert dossier.status == Status.ASSIGNED and dossier.assignee == users["sam"]
    stale = olivia.post(url, {"action": "assign", "version": dossier.version - 1,
                              "assign-assignee": users["olivia"].pk}, follow=True)
    assert "tải lại trang" in stale.content.decode()
    dossier.refresh_from_db()
    assert dossier.assignee == users["sam"]


def test_it_prints_the_receipt_and_the_control_sheet(client_for, receive):
    dossier = receive()
    olivia = client_for("olivia")
    receipt = olivia.get(reverse("dossiers:form", args=[A, dossier.code, "01"]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    assert olivia.get(reverse("dossiers:form", args=[A, dossier.code, "03"])).status_code == 404  # not refused


def test_an_official_of_another_commune_sees_nothing(client_for, receive):
    dossier = receive()
    charlie = client_for("charlie")
    assert charlie.get(reverse("dossiers:detail", args=[A, dossier.code])).status_code == 404
    assert charlie.get(reverse("dossiers:inbox", args=[A])).status_code == 404


def test_the_inbox_lists_by_appointment_date_and_exports(client_for, receive):
    late = receive(now=timezone.make_aware(dt.datetime(2026, 2, 12, 16, 0)))
    early = receive()
    olivia = client_for("olivia")
    page = olivia.get(reverse("dossiers:inbox", args=[A]))
    codes = [r["code"] for r in page.context["rows"]]
    assert codes == [early.code, late.code]
    xlsx = olivia.get(reverse("dossiers:inbox", args=[A]) + "?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_citizen_files_online_follows_and_rates(client_for, users, procedure, commune_a):
    cindy = client_for("cindy")
    url = reverse("dossiers:apply", args=[A, procedure.code])
    form = cindy.get(url)
    key = form.context["form"].initial["idempotency_key"]
    response = cindy.post(url, {"idempotency_key": key, "applicant_name": "Cindy", "applicant_id_number":
                                "001190011111", "component_0": pdf()})
    dossier = Dossier.objects.get(applicant=users["cindy"])
    assert response.url == reverse("dossiers:my_dossier", args=[dossier.code])
    assert dossier.status == Status.RECEIVED and dossier.channel == "2"
    d = services.dossier_accept(actor=users["olivia"], dossier=dossier)
    d = services.dossier_assign(actor=users["olivia"], dossier=d, assignee=users["sam"])
    d = services.dossier_start(actor=users["sam"], dossier=d)
    d = services.dossier_submit(actor=users["sam"], dossier=d)
    d = services.dossier_approve(actor=users["hana"], dossier=d)
    d = services.dossier_result_ready(actor=users["sam"], dossier=d, upload=pdf("kq.pdf"),
                                      info=services.PaperInfo(title="Giấy xác nhận"))
    d = services.dossier_return(actor=users["olivia"], dossier=d, online=True)
    mine = cindy.get(reverse("dossiers:my_dossier", args=[d.code]))
    assert "Giấy xác nhận" in mine.content.decode()
    papers = cindy.get(reverse("dossiers:papers"))
    result = Paper.objects.get(source=d, kind="result")
    assert result.title in papers.content.decode()
    download = cindy.get(reverse("dossiers:paper_download", args=[result.pk]))
    assert download.status_code == 200
    cindy.post(reverse("dossiers:my_dossier", args=[d.code]), {"action": "rate", "score": "4", "reasons": ["clear"]})
    assert Rating.objects.get(dossier=d).score == 4
    # Another citizen cannot open it.
    other = testing.make_user("dan", "citizen", oidc_subject="fake-dan")
    from django.test import Client

    c = Client()
    testing.sign_in(c, other)
    assert c.get(reverse("dossiers:my_dossier", args=[d.code])).status_code == 404
    assert c.get(reverse("dossiers:paper_download", args=[result.pk])).status_code == 404


def test_the_public_look_up_needs_the_last_digits_and_is_rate_limited(client, receive):
    dossier = receive()
    url = reverse("dossiers:lookup")
    found = client.get(url, {"code": dossier.code, "secret": "5678"})
    assert found.context["dossier"] == dossier and "Đã tiếp nhận" in found.content.decode()
    assert "Nguyễn Thị Hoa" not in found.content.decode()  # no personal data on the public page
    wrong = client.get(url, {"code": dossier.code, "secret": "0000"})
    unknown = client.get(url, {"code": "22.06688-260212-9999", "secret": "5678"})
    assert wrong.context["dossier"] is None and unknown.context["dossier"] is None
    assert wrong.content.decode().count("Không có hồ sơ") == unknown.content.decode().count("Không có hồ sơ") == 1
    for _ in range(10):
        last = client.get(url, {"code": dossier.code, "secret": "5678"})
    assert last.status_code == 429 and last.context["dossier"] is None


def test_the_inbox_page_runs_the_same_queries_for_few_or_many_dossiers(client_for, receive, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    olivia = client_for("olivia")
    url = reverse("dossiers:inbox", args=[A])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert olivia.get(url).status_code == 200
        return len(captured)

    receive()
    queries()  # the first request of a session loads what later ones find cached
    few = queries()
    for _ in range(12):
        services.dossier_assign(actor=users["olivia"], dossier=receive(), assignee=users["sam"])
    assert queries() == few
