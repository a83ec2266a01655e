# SPDX-License-Identifier: AGPL-3.0-or-later
"""A commune's villages: the list, create, rename, merge, who may do what, and exports."""

import csv
import io
import json
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from xaso import testing
from xaso.core.accounts.roles import Role
from xaso.core.audit.models import AuditEvent
from xaso.core.places import services
from xaso.core.places.models import Village

from .support import state

A = testing.COMMUNE_A
LIST = f"/places/communes/{A}/villages/"


def rename_url(village, commune=A):
    return f"/places/communes/{commune}/villages/{village.pk}/rename/"


def merge_url(village, commune=A):
    return f"/places/communes/{commune}/villages/{village.pk}/merge/"


def pages(villages):
    """Every village page of commune A, for the scoping tests."""
    return [LIST, LIST + "?export=csv", LIST + "?export=json", f"/places/communes/{A}/villages/import/",
            rename_url(villages["one"]), merge_url(villages["one"])]


# --- The list ---------------------------------------------------------------------------------------

def test_it_lists_active_villages_first_and_marks_merged_ones(client_for, villages):
    response = client_for("alice").get(LIST)
    assert response.status_code == 200
    assert [v.name for v in response.context["villages"]] == ["Thôn 1", "Thôn 2", "Tổ dân phố 3", "Thôn Cũ"]
    body = response.content.decode()
    assert "đã sáp nhập vào Thôn 2" in body
    assert "Thôn Tiên Phong" not in body  # commune B's
    assert 'name="name"' in body  # the create form, for those who manage


def test_it_exports_villages_that_parse_back(client_for, villages):
    alice = client_for("alice")
    response = alice.get(LIST + "?export=csv")
    assert response["Content-Disposition"] == f'attachment; filename="villages-{A}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["ID", "Tên", "Loại", "Trạng thái", "Sáp nhập vào"]
    assert [r[1:] for r in rows[1:]] == [
        ["Thôn 1", "Thôn", "Đang hoạt động", ""], ["Thôn 2", "Thôn", "Đang hoạt động", ""],
        ["Tổ dân phố 3", "Tổ dân phố", "Đang hoạt động", ""], ["Thôn Cũ", "Thôn", "Đã sáp nhập", "Thôn 2"],
    ]
    sheet = load_workbook(io.BytesIO(alice.get(LIST + "?export=xlsx").content)).active
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        [int(r[0]), *[c or None for c in r[1:]]] for r in rows[1:]]
    data = json.loads(alice.get(LIST + "?export=json").content)
    assert [d["name"] for d in data] == ["Thôn 1", "Thôn 2", "Tổ dân phố 3", "Thôn Cũ"]


# --- Create -----------------------------------------------------------------------------------------

def test_it_creates_a_village_and_records_it(client_for, users, villages):
    response = client_for("alice").post(LIST, {"name": "  Bản   Nà Sản ", "kind": "ban"})
    assert response.status_code == 302 and response["Location"] == LIST
    village = Village.objects.get(name="Bản Nà Sản")
    assert (village.commune_id, village.kind, village.is_active) == (A, "ban", True)
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.actor_id, event.commune_id) == (
        "xaso.places.village.created", str(village.pk), users["alice"].pk, A)
    assert event.after == {"name": "Bản Nà Sản", "kind": "ban"}


@pytest.mark.parametrize("name", ["thôn 1", "THÔN  1", unicodedata.normalize("NFD", "Thôn 1")])
def test_it_refuses_a_second_village_of_the_same_name(client_for, villages, name):
    before = state()
    response = client_for("alice").post(LIST, {"name": name, "kind": "thon"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["Xã đã có thôn, tổ dân phố tên “Thôn 1”."]
    assert state() == before


def test_it_allows_the_name_of_a_merged_village_again(client_for, villages):
    response = client_for("alice").post(LIST, {"name": "Thôn Cũ", "kind": "thon"})
    assert response.status_code == 302
    assert Village.objects.filter(commune_id=A, name="Thôn Cũ").count() == 2


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "", "kind": "thon"}, "name"),
    ({"name": "   ", "kind": "thon"}, "name"),
    ({"name": "x" * 101, "kind": "thon"}, "name"),
    ({"name": "---", "kind": "thon"}, "name"),
    ({"name": "Thôn Mới", "kind": "xom"}, "kind"),
])
def test_it_names_the_field_of_a_bad_village(client_for, villages, data, field):
    before = state()
    response = client_for("alice").post(LIST, data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert state() == before


# --- Rename -----------------------------------------------------------------------------------------

def test_it_renames_a_village_and_records_before_and_after(client_for, users, villages):
    bob = client_for("bob")  # the clerk manages villages too
    assert bob.get(rename_url(villages["one"])).context["form"]["name"].value() == "Thôn 1"
    response = bob.post(rename_url(villages["one"]), {"name": "Thôn Đoàn Kết"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert Village.objects.get(pk=villages["one"].pk).name == "Thôn Đoàn Kết"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id) == ("xaso.places.village.renamed", users["bob"].pk)
    assert (event.before, event.after) == ({"name": "Thôn 1"}, {"name": "Thôn Đoàn Kết"})


def test_it_records_nothing_for_a_rename_that_changes_nothing(client_for, villages):
    response = client_for("alice").post(rename_url(villages["one"]), {"name": " Thôn 1 "})
    assert response.status_code == 302
    assert AuditEvent.objects.count() == 0


def test_it_lets_a_rename_change_only_the_case(client_for, villages):
    assert client_for("alice").post(rename_url(villages["one"]), {"name": "THÔN 1"}).status_code == 302
    assert Village.objects.get(pk=villages["one"].pk).name == "THÔN 1"


@pytest.mark.parametrize(("name", "message"), [
    ("thôn 2", "Xã đã có thôn, tổ dân phố tên “Thôn 2”."),
    ("", "Trường này là bắt buộc."),
    ("?!", "Tên thôn, tổ dân phố phải có ít nhất một chữ cái hoặc chữ số."),
])
def test_it_refuses_a_bad_new_name(client_for, villages, name, message):
    before = state()
    response = client_for("alice").post(rename_url(villages["one"]), {"name": name})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [message]
    assert state() == before


def test_it_refuses_to_rename_a_merged_village(client_for, villages):
    before = state()
    response = client_for("alice").post(rename_url(villages["old"]), {"name": "Thôn Mới"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "“Thôn Cũ” đã sáp nhập vào “Thôn 2” nên không thể đổi tên nữa."]
    assert state() == before


# --- Merge ------------------------------------------------------------------------------------------

def test_it_merges_a_village_keeping_its_row(client_for, users, villages):
    alice = client_for("alice")
    offered = [value for value, _ in alice.get(merge_url(villages["one"])).context["form"]["into"].field.widget.choices]
    assert offered == ["", villages["two"].pk, villages["three"].pk]  # active ones, not itself, not merged
    response = alice.post(merge_url(villages["one"]), {"into": villages["three"].pk})
    assert response.status_code == 302 and response["Location"] == LIST
    one = Village.objects.get(pk=villages["one"].pk)
    assert one.merged_into_id == villages["three"].pk and not one.is_active and one.name == "Thôn 1"
    event = AuditEvent.objects.get()
    assert event.action == "xaso.places.village.merged" and event.actor_id == users["alice"].pk
    assert (event.before, event.after) == ({"merged_into": None},
                                           {"merged_into": villages["three"].pk, "merged_into_name": "Tổ dân phố 3"})
    assert "đã sáp nhập vào Tổ dân phố 3" in alice.get(LIST).content.decode()


def test_a_merged_village_leads_to_the_village_of_today(villages, users):
    services.village_merge(actor=users["alice"], village=villages["two"], into=villages["three"])
    old = Village.objects.get(pk=villages["old"].pk)
    assert old.merged_into_id == villages["two"].pk  # history as it happened
    assert old.current() == villages["three"]


@pytest.mark.parametrize(("source", "target", "message"), [
    ("one", "one", "Không thể sáp nhập một thôn, tổ dân phố vào chính nó."),
    ("one", "old", "Bản thân “Thôn Cũ” đã sáp nhập vào “Thôn 2”; hãy chọn một thôn, tổ dân phố đang hoạt động."),
    ("one", "b", "Hãy chọn một thôn, tổ dân phố của xã này."),
])
def test_it_refuses_a_wrong_merge_target_and_says_why(client_for, villages, source, target, message):
    before = state()
    response = client_for("alice").post(merge_url(villages[source]), {"into": villages[target].pk})
    assert response.status_code == 400
    assert response.context["form"].errors["into"] == [message]
    assert state() == before


def test_it_asks_for_a_merge_target(client_for, villages):
    response = client_for("alice").post(merge_url(villages["one"]), {})
    assert response.status_code == 400 and list(response.context["form"].errors) == ["into"]


def test_the_merge_service_keeps_every_rule(users, villages):
    alice, before = users["alice"], state()
    cases = [
        (villages["one"], villages["one"], "Không thể sáp nhập một thôn, tổ dân phố vào chính nó."),
        (villages["one"], villages["old"], "Bản thân “Thôn Cũ” đã sáp nhập vào “Thôn 2”; hãy chọn một thôn, tổ dân "
                                           "phố đang hoạt động."),
        (villages["old"], villages["three"], "“Thôn Cũ” đã sáp nhập vào “Thôn 2” từ trước."),
        (villages["one"], villages["b"], "Hãy chọn một thôn, tổ dân phố của xã này."),
        (villages["one"], None, "Hãy chọn thôn, tổ dân phố để sáp nhập vào."),
    ]
    for village, into, message in cases:
        with pytest.raises(ValidationError) as caught:
            services.village_merge(actor=alice, village=village, into=into)
        assert caught.value.message_dict == {"into": [message]}
    with pytest.raises(PermissionDenied):
        services.village_merge(actor=users["charlie"], village=villages["one"], into=villages["two"])
    assert state() == before


def test_a_repeated_merge_changes_and_records_nothing(users, villages):
    services.village_merge(actor=users["alice"], village=villages["old"], into=villages["two"])
    assert AuditEvent.objects.count() == 0


# --- Who may do what --------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["charlie", "oscar", "cindy"])
def test_it_answers_404_to_outsiders_on_every_village_page(client_for, villages, who):
    client, before = client_for(who), state()
    for url in pages(villages):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Thôn Lạ", "kind": "thon", "into": villages["two"].pk}).status_code == 404
    assert state() == before


def test_it_sends_anonymous_visitors_and_unverified_officials_to_sign_in(users, villages):
    half_signed_in = Client()
    half_signed_in.force_login(users["alice"], backend="xaso.core.accounts.backends.OfficialBackend")  # no TOTP
    for client, step in ((Client(), "/accounts/login/?next="), (half_signed_in, "/accounts/")):
        for url in pages(villages):
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith(step), url
            assert "next=" in response["Location"] and b"Th\xc3\xb4n 1" not in response.content


def test_it_lets_the_province_official_read_but_not_manage(client_for, villages):
    paula, before = client_for("paula"), state()
    response = paula.get(LIST)
    assert response.status_code == 200 and "Thôn 1" in response.content.decode()
    assert response.context["form"] is None and 'name="name"' not in response.content.decode()
    assert paula.get(LIST + "?export=csv").status_code == 200
    for url in pages(villages)[3:]:
        assert paula.get(url).status_code == 403, url
        assert paula.post(url, {"name": "Thôn Lạ", "into": villages["two"].pk}).status_code == 403, url
    assert paula.post(LIST, {"name": "Thôn Lạ", "kind": "thon"}).status_code == 403
    assert state() == before


def test_it_lets_a_village_head_read_but_not_manage(client_for, villages):
    head = testing.make_user("hung", Role.VILLAGE_HEAD, commune=A)
    client = Client()
    testing.sign_in(client, head)
    assert client.get(LIST).status_code == 200
    assert client.post(LIST, {"name": "Thôn Lạ", "kind": "thon"}).status_code == 403


def test_it_lets_the_administrator_manage_any_commune(client_for, villages):
    url = f"/places/communes/{testing.COMMUNE_B}/villages/"
    assert client_for("ada").post(url, {"name": "Thôn Mới", "kind": "thon"}).status_code == 302
    assert Village.objects.filter(commune_id=testing.COMMUNE_B, name="Thôn Mới").exists()


def test_it_answers_404_for_a_village_of_another_commune_under_this_ones_address(client_for, villages):
    alice = client_for("alice")
    assert alice.get(rename_url(villages["b"])).status_code == 404
    assert alice.get(f"/places/communes/{A}/villages/999999/merge/").status_code == 404
    assert alice.get("/places/communes/99999/villages/").status_code == 404


def test_the_village_services_check_permission(users, villages, commune_a):
    before = state()
    for who in ("paula", "charlie", "cindy"):
        with pytest.raises(PermissionDenied):
            services.village_create(actor=users[who], commune=commune_a, name="Thôn Lạ")
        with pytest.raises(PermissionDenied):
            services.village_rename(actor=users[who], village=villages["one"], name="Thôn Lạ")
    assert state() == before
