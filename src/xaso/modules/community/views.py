# SPDX-License-Identifier: AGPL-3.0-or-later
"""The village-group pages. Every write is a plain form POST followed by a redirect, so a page works
without its live socket (it is then up to date on each load); the socket only adds messages as they come."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.modules.procedures.selectors import procedures

from . import selectors, services
from .access import MANAGE, MODERATE
from .forms import AnswerForm, HeadForm, JoinForm, PostForm, ProcedureLinkForm, ReasonForm, ReportLinkForm
from .models import Kind, Membership, Message

# Ten messages (or actions on messages) a minute from one person: a conversation, never a flood.
WRITE_RATE = "10/m"
JOIN_RATE = "10/h"  # tries of a joining code: a code cannot be guessed at this pace


def _posted_id(request, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@officials_only
@ratelimit(key="user_or_ip", rate=JOIN_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def mine(request):
    """A person's groups, and joining one with the code the village head gave."""
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("Too many tries; please wait a while and try again."))
        elif form.is_valid():
            try:
                membership = services.member_join(actor=request.user, code=form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("You joined the group of %(village)s.") % {
                    "village": membership.group.village.name})
                return redirect("community:group", membership.group_id)
    commune = request.user.commune if request.user.commune_id else None
    officials = commune is not None and (can(request.user, MODERATE, commune) or can(request.user, MANAGE, commune))
    commune_code = commune.pk if officials else None
    return render(request, "community/mine.html", {
        "memberships": selectors.my_groups(user=request.user), "form": form, "commune_code": commune_code},
        status=400 if form.errors else 200)


def _group_page(request, group, rights, form=None, status=200):
    if request.method == "GET":
        services.announcements_read(actor=request.user, group=group)
    context = {
        "group": group, "rights": rights, "stream": selectors.stream(group=group, rights=rights),
        "pinned": selectors.pinned(group=group, rights=rights),
        "form": form or PostForm(moderate=rights.moderate), "members": selectors.member_count(group),
    }
    context["categories"] = selectors.categories(group=group, rights=rights)
    if rights.official:
        context["procedure_codes"] = [(p.code, p.name) for p in procedures()]
    return render(request, "community/group.html", context, status=status)


@officials_only
@ratelimit(key="user_or_ip", rate=WRITE_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def group(request, group_id):
    group, rights = selectors.group_for(user=request.user, group_id=group_id)
    if request.method == "GET":
        return _group_page(request, group, rights)
    answering = "answer_to" in request.POST
    form = AnswerForm(request.POST) if answering else PostForm(request.POST, moderate=rights.moderate)
    if getattr(request, "limited", False):
        messages.error(request, _("You are posting too fast; please wait a minute."))
        return redirect("community:group", group.pk)
    if not form.is_valid():
        if answering:
            messages.error(request, _errors(form))
            return redirect("community:group", group.pk)
        return _group_page(request, group, rights, form=form, status=400)
    c = form.cleaned_data
    try:
        if answering:
            question = selectors.message_in(group=group, rights=rights, message_id=c["answer_to"])
            posted = services.message_post(actor=request.user, group=group, kind=Kind.ANSWER, body=c["body"],
                                           answer_to=question)
        else:
            posted = services.message_post(actor=request.user, group=group, kind=c["kind"], body=c["body"],
                                           pinned=c.get("pinned", False))
    except ValidationError as error:
        if answering:
            messages.error(request, " ".join(error.messages))
            return redirect("community:group", group.pk)
        form.add_error(None, error)
        return _group_page(request, group, rights, form=form, status=400)
    return redirect(reverse("community:group", args=[group.pk]) + f"#m-{posted.pk}")


def _act(request, group, rights, message: Message, action: str) -> str:
    """Run one action on a message; returns what to tell the user. Forms that fail raise ValidationError."""
    def valid(form):
        if not form.is_valid():
            raise ValidationError(_errors(form))
        return form.cleaned_data

    if action == "flag":
        services.message_flag(actor=request.user, message=message, reason=valid(ReasonForm(request.POST))["reason"])
        return _("Thank you: the moderators will look at this message.")
    if action == "hide":
        services.message_hide(actor=request.user, message=message, reason=valid(ReasonForm(request.POST))["reason"])
        return _("The message is hidden from residents.")
    if action == "unhide":
        services.message_unhide(actor=request.user, message=message)
        return _("The message is shown again.")
    if action in ("pin", "unpin"):
        services.message_pin(actor=request.user, message=message, pinned=action == "pin")
        return _("Pinned.") if action == "pin" else _("No longer pinned.")
    if action == "dismiss":
        services.flags_dismiss(actor=request.user, message=message)
        return _("The reports were dismissed; the message stays.")
    if action == "block":
        membership = Membership.objects.filter(group=group, user_id=message.author_id).first()
        if membership is None:
            raise ValidationError(_("Only residents can be blocked."))
        services.member_block(actor=request.user, membership=membership,
                              reason=valid(ReasonForm(request.POST))["reason"])
        return _("%(name)s can no longer post in this group.") % {"name": message.author_name}
    if action == "report":
        category = valid(ReportLinkForm(request.POST, commune=group.commune))["category"]
        done = services.message_to_report(actor=request.user, message=message, category=category)
        return _("Field report %(code)s was filed for the resident.") % {"code": done.report.code}
    if action == "procedure":
        procedure = valid(ProcedureLinkForm(request.POST))["procedure"]
        services.message_to_procedure(actor=request.user, message=message, procedure=procedure)
        return _("The message now points to the procedure.")
    raise Http404


@officials_only
@ratelimit(key="user_or_ip", rate=WRITE_RATE, method="POST", block=False)
@require_POST
def message(request, group_id, message_id):
    group, rights = selectors.group_for(user=request.user, group_id=group_id)
    found = selectors.message_in(group=group, rights=rights, message_id=message_id)
    if getattr(request, "limited", False):
        messages.error(request, _("You are posting too fast; please wait a minute."))
    else:
        try:
            messages.success(request, _act(request, group, rights, found, request.POST.get("action", "")))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You may not do this in this group."))
    if request.POST.get("back") == "moderation" and rights.official:
        return redirect("community:moderation", group.commune_id)
    return redirect(reverse("community:group", args=[group.pk]) + f"#m-{found.pk}")


@officials_only
@require_POST
def leave(request, group_id):
    group, _rights = selectors.group_for(user=request.user, group_id=group_id)
    try:
        services.member_leave(actor=request.user, group=group)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("You left the group of %(village)s.") % {"village": group.village.name})
    return redirect("community:mine")


@officials_only
@require_http_methods(["GET", "POST"])
def members(request, group_id):
    """The members, blocking and unblocking, the joining code; the commune names the village head here."""
    group, rights = selectors.group_for(user=request.user, group_id=group_id)
    if not rights.moderate:
        raise Http404
    may_manage = can(request.user, MANAGE, group.commune)
    heads = selectors.village_heads(group.commune)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "code":
                services.group_new_code(actor=request.user, group=group)
                messages.success(request, _("The group has a new code; the old one no longer works."))
            elif action in ("block", "unblock"):
                membership = get_object_or_404(selectors.members(group), pk=_posted_id(request, "membership"))
                if action == "block":
                    form = ReasonForm(request.POST)
                    if not form.is_valid():
                        raise ValidationError(_errors(form))
                    services.member_block(actor=request.user, membership=membership,
                                          reason=form.cleaned_data["reason"])
                else:
                    services.member_unblock(actor=request.user, membership=membership)
                messages.success(request, _("Done."))
            elif action == "head" and may_manage:
                form = HeadForm(request.POST, heads=heads)
                if not form.is_valid():
                    raise ValidationError(_errors(form))
                services.head_appoint(actor=request.user, group=group, user=form.cleaned_data["user"])
                messages.success(request, _("The village head was named."))
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You may not do this in this group."))
        return redirect("community:members", group.pk)
    return render(request, "community/members.html", {
        "group": group, "rights": rights, "members": selectors.members(group),
        "head_form": HeadForm(heads=heads) if may_manage else None})


@officials_only
@require_http_methods(["GET", "POST"])
def commune(request, commune_code):
    """The commune's villages and their groups; leaders, the clerk and IT open them."""
    found = selectors.commune_for_officials(user=request.user, commune_code=commune_code)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "open_all":
                opened = services.groups_open_all(actor=request.user, commune=found)
                messages.success(request, _("%(n)d groups opened.") % {"n": opened})
            elif request.POST.get("action") == "open":
                village = get_object_or_404(found.villages.all(), pk=_posted_id(request, "village"))
                services.group_open(actor=request.user, village=village)
                messages.success(request, _("The group of %(village)s is open.") % {"village": village.name})
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You may not open village groups."))
        return redirect("community:commune", found.code)
    return render(request, "community/commune.html", {
        "commune": found, "rows": selectors.villages_with_groups(commune=found),
        "may_manage": can(request.user, MANAGE, found), "may_moderate": can(request.user, MODERATE, found),
        "flags": selectors.open_flags(commune=found).count()})


@officials_only
@require_safe
def moderation(request, commune_code):
    """Messages reported as abusive, waiting for a moderator to hide them or dismiss the reports."""
    found = selectors.commune_for_officials(user=request.user, commune_code=commune_code)
    return render(request, "community/moderation.html", {"commune": found,
                                                         "flags": selectors.open_flags(commune=found)})
