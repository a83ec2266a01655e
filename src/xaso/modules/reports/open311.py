# SPDX-License-Identifier: AGPL-3.0-or-later
"""Open311 GeoReport v2 at ``/open311/v2/``: existing Open311 apps file and follow field reports.

docs/open311.md summarises the specification and lists what it leaves open; this module follows its
proposals. The choices, in short:

* **jurisdiction_id is the commune's code** (Decision 19/2025/QĐ-TTg): one install serves a province, so it is
  required on every method but discovery (400 when missing, 404 when unknown).
* **Services are the commune's open categories**, all ``realtime`` with ``metadata=false``; their definition
  has an empty ``attributes`` list. POST answers the new ``service_request_id`` (``Report.code``) and a
  ``service_notice``, never also a token: the specification says one or the other, and a realtime service
  gives the id. ``tokens/{token}`` still answers for a report's ``Report.token`` (the capability a reporter
  without an account follows it with), with the id of the report it became or was merged into.
* **Nothing personal leaves**: answers carry the category, the description, the place, the dates, the status,
  the commune's answer (``status_notes``) and the first photo's URL; never the reporter's name, e-mail, phone,
  device or account. The reporter's ``first_name``/``last_name`` are kept as one name, family name first
  (Vietnamese order); ``device_id`` and ``account_id`` are not kept at all; a posted ``media_url`` is ignored
  (fetching a URL a stranger chose is a request forgery waiting to happen); the uploaded ``media`` file is.
* **GET requests** lists the commune's reports but duplicates, newest first, at most 1000, within 90 days: the
  last 90 by default, 90 from ``start_date`` or before ``end_date`` when only one is given, both ends
  inclusive, and a longer range is refused. Lists may be one comma list or repeated parameters; ``page`` and
  ``page_size`` (the pagination extension) are honoured under the same cap. ``expected_datetime`` is the end
  of the report's due day while it is open; ``updated_datetime`` of a closed one is when it was resolved.
* **Filing is open to anyone** (as the public form is) and limited per address (10 an hour, 429); API keys are
  required only once ``XASO_OPEN311_API_KEYS`` lists some (403 otherwise). The session's user is never the
  actor: the endpoint takes no CSRF token, so a browser's cookies must not file in someone's name.
* **Errors** are the specification's list; ``code`` is the HTTP status, the description names the field and
  is in the request's language. Any other format, and any other path under ``/open311/``, is a 404 in XML
  (the required format).
"""

from __future__ import annotations

import hmac
import json
import re
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.decorators import ratelimit

from xaso.core import tenancy

from . import selectors, services
from .models import OPEN, Category, Photo, Report, Status

SPEC_URI = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# Containers of repeated elements: JSON arrays, whatever the number of children (the Spark convention).
CONTAINERS = {"services": "service", "attributes": "attribute", "values": "value", "service_requests": "request",
              "errors": "error", "endpoints": "endpoint", "formats": "format"}
# Sortable, as discovery asks: when this document or the shape of the services last changed.
CHANGESET = "2026-11-29T00:00:00+07:00"
SPAN = timedelta(days=90)  # "may not span more than 90 days"; the default range
LIMIT = 1000  # "first 1000 requests returned"
DESCRIPTION_LIMIT = 4000  # "limited to 4,000 characters"
IDEMPOTENCY_KEY_LIMIT = 80  # Report.idempotency_key
RATE, RATE_PERIOD = "10/h", 3600  # filings from one address, as the public form allows
CLOSED = (Status.RESOLVED, Status.CLOSED)
_W3C = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})", re.ASCII)
# Characters XML 1.0 cannot carry: left out of what is written (a report filed elsewhere may hold them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Control characters but tab and line breaks: no part of typed text, left out of what is filed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refused(Exception):
    """An answer of the specification's error list: the HTTP status and one description per problem."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = list(descriptions)


def _about(field: str, message: str) -> str:
    return f"{field}: {message}"


# --- The two formats ---------------------------------------------------------------------------------------

def _spark(value):
    """The JSON of a document: what XML writes as an empty element is null."""
    if isinstance(value, dict):
        return {k: _spark(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_spark(v) for v in value]
    return None if value == "" else value


def _element(name: str, value) -> ElementTree.Element:
    element = ElementTree.Element(name)
    if isinstance(value, list):
        element.extend(_element(CONTAINERS[name], item) for item in value)
    elif isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None and value != "":
        element.text = _NOT_XML.sub("", str(value))  # ElementTree escapes &, < and >
    return element


def render(fmt: str, root: str, document, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(_spark(document), ensure_ascii=False)
    else:
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
            _element(root, document), encoding="unicode")
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": d} for d in descriptions], status=status)


def endpoint(*methods: str):
    """A GeoReport resource: its format checked first, other methods refused, Refused turned into errors."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, format: str, **kwargs):
            if format not in CONTENT_TYPES:
                return render_errors("xml", 404, [_("This format is not served: ask for .xml or .json.")])
            if request.method not in allowed:
                response = render_errors(format, 405, [_("This method is not allowed here.")])
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            if any("\x00" in str(value) for value in kwargs.values()):
                return render_errors(format, 404, [_("There is no such resource: ask for discovery, services, "
                                                     "requests or tokens, ending in .xml or .json.")])
            try:
                _readable(request.GET)
                root, document = view(request, format, *args, **kwargs)
                response = render(format, root, document)
            except Refused as refused:
                response = render_errors(format, refused.status, refused.descriptions)
                if refused.status == 429:
                    response["Retry-After"] = str(RATE_PERIOD)
            if request.method != "POST":
                response["Access-Control-Allow-Origin"] = "*"  # public facts, read by apps in browsers too
            return response

        return wrapper

    return decorate


def _readable(params) -> None:
    """A NUL is no part of any argument (and PostgreSQL refuses it in every text it is given)."""
    for name, values in params.lists():
        if any("\x00" in value for value in values):
            raise Refused(400, _about(name, _("The request cannot be read: it is too large or malformed.")))


def not_found(request, *args, **kwargs):
    """Anything else under /open311/, e.g. a resource without its format: a 404 in XML, the required format."""
    return render_errors("xml", 404, [_("There is no such resource: ask for discovery, services, requests or "
                                        "tokens, ending in .xml or .json.")])


# --- Reading the arguments ---------------------------------------------------------------------------------

def _commune(params):
    code = params.get("jurisdiction_id", "").strip()
    if not code:
        raise Refused(400, _about("jurisdiction_id", _(
            "Give the code of the commune (five digits, Decision 19/2025/QĐ-TTg) as jurisdiction_id.")))
    try:
        return selectors.commune(code)
    except Http404:
        raise Refused(404, _about("jurisdiction_id", _("There is no commune with this code."))) from None


def _many(params, name: str) -> list[str]:
    """A list argument, "declared multiple times, comma delimited": both readings are accepted."""
    return [item.strip() for value in params.getlist(name) for item in value.split(",") if item.strip()]


def _when(params, name: str) -> datetime | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        if not _W3C.fullmatch(value):
            raise ValueError(value)
        return datetime.fromisoformat(value)
    except ValueError:
        raise Refused(400, _about(name, _(
            "Write a W3C datetime with its timezone, e.g. 2026-03-01T00:00:00+07:00 or 2026-03-01T00:00:00Z "
            "(in a URL, encode the plus sign)."))) from None


def _span(params, now: datetime) -> tuple[datetime, datetime | None]:
    start, end = _when(params, "start_date"), _when(params, "end_date")
    if start is None and end is None:
        return now - SPAN, None
    if start is None or end is None:
        try:
            return (end - SPAN, end) if start is None else (start, start + SPAN)
        except OverflowError:  # 90 days before year 1 or after 9999
            raise Refused(400, _about("end_date" if start is None else "start_date",
                                      _("The dates may span at most %(days)d days.") % {"days": SPAN.days})) from None
    if end < start:
        raise Refused(400, _about("end_date", _("The end date is before the start date.")))
    if end - start > SPAN:
        raise Refused(400, _about("end_date", _("The dates may span at most %(days)d days.") % {
            "days": SPAN.days}))
    return start, end


def _statuses(params) -> set[str]:
    statuses = set(_many(params, "status"))
    if not statuses <= {"open", "closed"}:
        raise Refused(400, _about("status", _("Ask for open, closed or both, separated by a comma.")))
    return statuses


def _whole(params, name: str, default: int, high: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9 or not 1 <= int(value) <= high:
        raise Refused(400, _about(name, _("Write a whole number from %(low)d to %(high)d.") % {
            "low": 1, "high": high}))
    return int(value)


def _checked(*readers):
    """Every reader's value, or one 400 that lists all their errors ("the response is an array")."""
    values, errors = [], []
    for reader in readers:
        try:
            values.append(reader())
        except Refused as refused:
            values.append(None)
            errors.extend(refused.descriptions)
    if errors:
        raise Refused(400, *errors)
    return values


# --- What goes out -----------------------------------------------------------------------------------------

def _w3c(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _media_url(request, report: Report) -> str:
    photos = list(report.photos.all())  # prefetched, in their order
    if not photos:
        return ""
    return request.build_absolute_uri(reverse("reports:photo", args=[report.code, photos[0].pk]))


def _place_text(report: Report) -> str:
    """Most specific first, as the specification asks: the address, then the village."""
    return ", ".join(p for p in (report.address, report.village.name if report.village_id else "") if p)


def request_document(request, report: Report) -> dict:
    """One report as a GeoReport ``request``: public facts only, never who filed it."""
    updated = report.resolved_at if report.status in CLOSED and report.resolved_at else report.updated_at
    expected = ""
    if report.due_date and report.status not in CLOSED:
        expected = _w3c(timezone.make_aware(datetime.combine(report.due_date, time(23, 59, 59))))
    located = report.latitude is not None and report.longitude is not None
    return {
        "service_request_id": report.code,
        "status": "closed" if report.status in CLOSED else "open",
        "status_notes": report.public_note,
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": report.commune.name,
        "requested_datetime": _w3c(report.created_at),
        "updated_datetime": _w3c(max(updated, report.created_at)),
        "expected_datetime": expected,
        "address": _place_text(report),
        "address_id": "",
        "zipcode": "",
        "lat": float(report.latitude) if located else None,
        "long": float(report.longitude) if located else None,
        "media_url": _media_url(request, report),
    }


def _with_facts(queryset):
    return queryset.select_related("category", "commune", "village").prefetch_related(
        Prefetch("photos", queryset=Photo.objects.order_by("pk")))


# --- The resources -----------------------------------------------------------------------------------------

@endpoint("GET")
def discovery(request, fmt):
    keys = bool(_api_keys())
    where = reverse("open311:discovery", kwargs={"format": "xml"}).rpartition("/")[0]
    return "discovery", {
        "changeset": CHANGESET,
        "contact": _("Each commune of the province is a jurisdiction: send its five-digit code as "
                     "jurisdiction_id. The one-stop office of the commune answers for its reports: %(site)s")
        % {"site": request.build_absolute_uri("/")},
        "key_service": _("Ask the province's digital transformation office for an API key.") if keys
        else _("No API key is needed: anyone may file a report, a few an hour from one address."),
        "endpoints": [{
            "specification": SPEC_URI,
            "url": request.build_absolute_uri(where),
            "changeset": CHANGESET,
            "type": "production" if settings.PRODUCTION else "test",
            "formats": ["text/xml", "application/json"],
        }],
    }


def _service_document(category: Category) -> dict:
    return {"service_code": category.code, "service_name": category.name, "description": category.description,
            "metadata": False, "type": "realtime", "keywords": "", "group": category.group}


def _categories(commune):
    return Category.objects.filter(commune=commune, active=True).order_by("group", "name", "code")


def _category(commune, code: str, *, unknown: str = "") -> Category:
    category = _categories(commune).filter(code=code).first() if code else None
    if category is None:
        raise Refused(404, _about("service_code", unknown or _("There is no such service in this commune.")))
    return category


@endpoint("GET")
def service_list(request, fmt):
    commune = _commune(request.GET)
    return "services", [_service_document(c) for c in _categories(commune)]


@endpoint("GET")
def service_definition(request, fmt, service_code):
    category = _category(_commune(request.GET), service_code)
    return "service_definition", {"service_code": category.code, "attributes": []}


@csrf_exempt  # no browser session acts here: reports are filed with no actor (see the module's docstring)
@ratelimit(key="ip", rate=RATE, method="POST", block=False)
@endpoint("GET", "POST")
def request_list(request, fmt):
    if request.method == "POST":
        return "service_requests", file_request(request)
    return "service_requests", list_requests(request)


def list_requests(request) -> list[dict]:
    params = request.GET
    commune = _commune(params)
    found = selectors.public_reports(commune=commune).order_by("-created_at", "-pk")
    ids = _many(params, "service_request_id")
    readers = [lambda: _whole(params, "page", 1, 10**6), lambda: _whole(params, "page_size", LIMIT, LIMIT)]
    if not ids:  # the ids override "all other arguments": the filters are not even read
        readers += [lambda: _statuses(params), lambda: _span(params, timezone.now())]
    page, size, *filters = _checked(*readers)
    if ids:
        found = found.filter(code__in=ids[:LIMIT])
    else:
        statuses, (start, end) = filters
        codes = _many(params, "service_code")
        if codes:
            found = found.filter(category__code__in=codes)
        if statuses == {"open"}:
            found = found.filter(status__in=OPEN)
        elif statuses == {"closed"}:
            found = found.filter(status__in=CLOSED)
        found = found.filter(created_at__gte=start)
        if end is not None:
            found = found.filter(created_at__lte=end)
    return [request_document(request, r) for r in _with_facts(found)[(page - 1) * size:page * size]]


@endpoint("GET")
def request_detail(request, fmt, service_request_id):
    commune = _commune(request.GET)
    try:
        report = selectors.public_report(service_request_id)
    except Http404:
        report = None
    if report is None or report.commune_id != commune.pk:
        raise Refused(404, _about("service_request_id", _("There is no such service request in this commune.")))
    return "service_requests", [request_document(request, report)]


def _report_for_token(commune, token: str) -> Report | None:
    """The report a token names, or the one it was merged into: the token is the capability to follow it, so
    a merged report (hidden from the public lists) is read deliberately across the scope."""
    with tenancy.unscoped():
        report = Report.objects.filter(commune=commune, token=token).select_related("duplicate_of").first()
        for _hop in range(10):
            if report is None or report.status != Status.DUPLICATE or report.duplicate_of is None:
                break
            report = Report.objects.filter(pk=report.duplicate_of_id).select_related("duplicate_of").first()
    return None if report is None or report.status == Status.DUPLICATE else report


@endpoint("GET")
def token_detail(request, fmt, token):
    commune = _commune(request.GET)
    report = _report_for_token(commune, token) if token else None
    if report is None:
        raise Refused(404, _about("token", _("There is no such token in this commune.")))
    return "service_requests", [{"service_request_id": report.code, "token": token}]


# --- Filing ------------------------------------------------------------------------------------------------

def _api_keys() -> list[str]:
    return settings.XASO_OPEN311_API_KEYS


def _check_api_key(form) -> None:
    keys = _api_keys()
    given = form.get("api_key", "")
    if keys and not any(hmac.compare_digest(given.encode(), key.encode()) for key in keys):
        raise Refused(403, _about("api_key", _("A valid API key is needed to file a request.")))


def _posted(request):
    """The form and its files; a body Django refuses to read (too large, too many parts, broken) is a 400."""
    try:
        form, files = request.POST, request.FILES
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
        raise Refused(400, _("The request cannot be read: it is too large or malformed.")) from None
    _readable(form)
    return form, files


def _text(form, name: str) -> str:
    return _CONTROL.sub("", form.get(name, "")).strip()


def _degrees(form, name: str) -> Decimal | None:
    value = form.get(name, "").strip()
    if not value:
        return None
    try:
        degrees = Decimal(value)
        if not degrees.is_finite():
            raise InvalidOperation(value)
    except InvalidOperation:
        raise Refused(400, _about(name, _("Write a number of degrees, e.g. 20.951234."))) from None
    # A phone's 15 decimals are micrometres: six (about 0.1 m) are what a report keeps.
    return degrees.quantize(Decimal("0.000001")) if abs(degrees) < 1000 else degrees


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > IDEMPOTENCY_KEY_LIMIT:
        raise Refused(400, _about("Idempotency-Key", _("At most %(n)d characters.") % {"n": IDEMPOTENCY_KEY_LIMIT}))
    return key or None


def _description(form) -> str:
    description = _text(form, "description")
    if len(description) > DESCRIPTION_LIMIT:
        raise Refused(400, _about("description", _("At most %(n)d characters.") % {"n": DESCRIPTION_LIMIT}))
    return description


# Where the services' ValidationErrors point, in the specification's argument names.
_FIELDS = {"category": "service_code", "description": "description", "address": "address_string",
           "reporter_email": "email", "reporter_phone": "phone", "reporter_name": "first_name, last_name",
           "latitude": "lat", "longitude": "long", "photos": "media"}


def _problems(error: ValidationError, *, place_field: str) -> list[str]:
    if hasattr(error, "error_dict"):
        return [_about(_FIELDS.get(name, name), message)
                for name, messages in error.message_dict.items() for message in messages]
    problems = []
    for item in error.error_list:
        field = place_field if item.code in ("place", "village", "outside") else _FIELDS.get(item.code, "media")
        problems.append(_about(field, item.messages[0]))
    return problems


def file_request(request) -> list[dict]:
    """POST requests: one report filed by services.report_file, all of it or nothing."""
    if getattr(request, "limited", False):
        raise Refused(429, _("Too many reports from your address; please try again later."))
    form, files = _posted(request)
    _check_api_key(form)
    commune = _commune(form if "jurisdiction_id" in form else request.GET)
    # The services' own words: missing is a 400, a code this commune does not have (another's) a 404.
    choose = _("Choose one of the commune's categories.")
    if not form.get("service_code", "").strip():
        raise Refused(400, _about("service_code", choose))
    category = _category(commune, form["service_code"].strip(), unknown=choose)
    lat, long, description, key = _checked(lambda: _degrees(form, "lat"), lambda: _degrees(form, "long"),
                                           lambda: _description(form), lambda: _idempotency_key(request))
    family, given = _text(form, "last_name"), _text(form, "first_name")
    phone = re.sub(r"[\s.()-]", "", _text(form, "phone"))
    try:
        report = services.report_file(
            actor=None, commune=commune, category=category, description=description,
            place=services.Place(latitude=lat, longitude=long, address=_text(form, "address_string")),
            reporter=services.Reporter(name=f"{family} {given}".strip(), email=_text(form, "email"), phone=phone),
            photos=files.getlist("media")[:1], idempotency_key=key)
    except ValidationError as error:
        place_field = "lat, long" if lat is not None or long is not None else "address_string"
        raise Refused(400, *_problems(error, place_field=place_field)) from None
    except IntegrityError:
        if not key:
            raise
        # The key names a report this caller cannot see (merged since): a retry cannot be told from a reuse.
        raise Refused(400, _about("Idempotency-Key", _("This key was used for another request."))) from None
    due = report.due_date.strftime("%d/%m/%Y") if report.due_date else "—"
    notice = _("Your report %(code)s was received. It will be resolved by %(due)s.") % {
        "code": report.code, "due": due}
    return [{"service_request_id": report.code, "service_notice": notice}]
