# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of official documents across the permission line: always for a user, within their commune."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can
from xaso.core.places.models import Commune
from xaso.core.text import fold

from .models import IncomingDocument, Issuer, OutgoingDocument, WorkFile
from .workflow import APPROVE, VIEW


def commune_for(*, user, commune_code: str, verb: str = VIEW) -> Commune:
    """The commune whose documents the user may see (or act on with ``verb``); 404 for everyone else."""
    commune = get_object_or_404(Commune, pk=commune_code)
    if not can(user, verb, commune):
        raise Http404
    return commune


def search(queryset, q: str):
    """Every word of ``q``, folded, must appear in the number, symbol, summary or body: "cong van" finds
    "công văn" and "dat dai" finds "đất đai"."""
    for word in fold(q or "").split()[:10]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def incoming(*, user, commune, q: str = "", year: int | None = None, status: str = ""):
    qs = IncomingDocument.objects.filter(commune=commune).select_related("handler", "register")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return search(qs, q).order_by("-year", "-arrival_number")


def outgoing(*, user, commune, q: str = "", year: int | None = None, status: str = ""):
    qs = OutgoingDocument.objects.filter(commune=commune).select_related("signer", "drafted_by")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return search(qs, q).order_by("-year", "-number", "-created_at")


def incoming_document(*, user, commune, pk: int) -> IncomingDocument:
    return get_object_or_404(IncomingDocument.objects.select_related("handler", "file", "work_file"),
                             commune=commune, pk=pk)


def outgoing_document(*, user, commune, pk: int) -> OutgoingDocument:
    return get_object_or_404(
        OutgoingDocument.objects.select_related("signer", "drafted_by", "signed_file", "issued_file", "work_file",
                                                "reply_to"), commune=commune, pk=pk)


def officials(commune, verb: str = VIEW):
    """Active officials of the commune who hold ``verb`` there (handlers, signers)."""
    people = User.objects.filter(commune=commune, is_active=True).order_by("full_name", "username")
    return User.objects.filter(pk__in=[u.pk for u in people if can(u, verb, commune)]).order_by("full_name")


def signers(commune):
    return officials(commune, APPROVE)


def work_files(commune):
    return WorkFile.objects.filter(commune=commune, closed_on__isnull=True)


def agencies(*, commune):
    """Agencies reachable on the exchange axis: the other communes' issuing bodies with a code."""
    return Issuer.objects.exclude(organ_id="").exclude(commune=commune).order_by("name")
