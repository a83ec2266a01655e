# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's catalogue and data dictionary pages (DL6, DL7), and its public catalogue (HTML and DCAT
JSON-LD, for harvesting by the national and provincial data portals).

Officials of the province read the catalogue (commune officials too, read-only); a province official of
it changes it; anyone else gets 404. The public pages show published datasets' metadata and elements,
never a value. Each table answers ``?export=csv|xlsx|json`` (core/exports.py).
"""

import json

import yaml
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports
from xaso.core.catalogue.views import officials_only
from xaso.core.places.models import AreaType
from xaso.core.ui.forms import service_errors

from . import dcat, definitions, definitions_file
from .forms_catalogue import DatasetForm, ElementForm, ElementsForm, RuleForm, UploadForm

DATASET_COLUMNS = [("code", gettext_lazy("Code")), ("title", gettext_lazy("Title")),
                   ("status", gettext_lazy("Status")), ("sample", gettext_lazy("Sample definition")),
                   ("period", gettext_lazy("Period")), ("reports", gettext_lazy("Who reports")),
                   ("elements", gettext_lazy("Elements")), ("version", gettext_lazy("Template version")),
                   ("component", gettext_lazy("Model component")), ("publisher", gettext_lazy("Publisher"))]
ELEMENT_COLUMNS = [("code", gettext_lazy("Code")), ("name", gettext_lazy("Element name")),
                   ("name_en", gettext_lazy("Name in English")), ("value_type", gettext_lazy("Value type")),
                   ("unit", gettext_lazy("Unit")), ("choices", gettext_lazy("Allowed values")),
                   ("minimum", gettext_lazy("Minimum")), ("maximum", gettext_lazy("Maximum")),
                   ("disaggregation", gettext_lazy("Disaggregation")), ("definition", gettext_lazy("Definition")),
                   ("source", gettext_lazy("Taken from xaso")), ("datasets", gettext_lazy("Datasets"))]


def who_reports(dataset) -> str:
    areas = [str(AreaType(a).label) for a in dataset.area_types or [] if a in AreaType.values]
    names = [c.name for c in dataset.communes.all()]
    if not areas:
        return _("Every commune")
    return ", ".join(areas + names)


def _dataset_row(d) -> dict:
    return {"code": d.code, "title": d.title, "status": _("Published") if d.published_at else _("Draft"),
            "sample": d.is_sample, "period": d.get_period_type_display(), "reports": who_reports(d),
            "elements": len(d.items.all()), "version": d.version, "component": d.component,
            "publisher": d.publisher}


def _element_row(e) -> dict:
    return {"code": e.code, "name": e.name, "name_en": e.name_en, "value_type": e.get_value_type_display(),
            "unit": e.unit, "choices": "; ".join(e.choices or []), "minimum": e.minimum, "maximum": e.maximum,
            "disaggregation": e.get_disaggregation_display(), "definition": e.definition, "source": e.source,
            "datasets": ", ".join(d.code for d in e.datasets.all())}


def _manager(request, province) -> None:
    if not definitions.may_manage(request.user, province):
        raise PermissionDenied(definitions.MANAGE)


# --- The catalogue ---------------------------------------------------------------------------------


@officials_only
@require_http_methods(["GET", "POST"])
def catalogue(request, province_code):
    province = definitions.province_for_reader(user=request.user, province_code=province_code)
    if request.method == "POST":  # the one action of this page: load the sample definitions
        _manager(request, province)
        try:
            loaded = definitions_file.samples_load(actor=request.user, province=province)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The sample definitions are in the catalogue (%(n)d datasets). Review and "
                                        "adapt each before publishing it.") % {"n": len(loaded)})
        return redirect("datasets:catalogue", province.pk)
    datasets = definitions.datasets_of(province=province)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-catalogue-{province.pk}", columns=DATASET_COLUMNS,
                               rows=(_dataset_row(d) for d in datasets))
    return render(request, "datasets/catalogue/list.html", {
        "province": province, "rows": [(d, _dataset_row(d)) for d in datasets],
        "may_manage": definitions.may_manage(request.user, province)})


@officials_only
@require_http_methods(["GET", "POST"])
def dataset_new(request, province_code):
    province = definitions.province_for_reader(user=request.user, province_code=province_code)
    _manager(request, province)
    form = DatasetForm(request.POST or None, province=province)
    if request.method == "POST" and form.is_valid():
        if definitions.datasets_of(province=province).filter(code=form.cleaned_data["code"]).exists():
            form.add_error("code", _("The catalogue already has a dataset with this code."))
        else:
            try:
                dataset = definitions.dataset_save(actor=request.user, province=province,
                                                   code=form.cleaned_data["code"], **form.service_kwargs())
            except ValidationError as error:
                service_errors(form, error)
            else:
                messages.success(request, _("The dataset was created. Add its elements, then publish it."))
                return redirect("datasets:catalogue_dataset", province.pk, dataset.code)
    return render(request, "datasets/catalogue/dataset_new.html", {"province": province, "form": form},
                  status=400 if form.errors else 200)


def _dataset_forms(request, dataset, posted: str | None) -> dict:
    """The forms of the dataset page, the posted one bound to what was sent."""
    elements = list(definitions.elements_of(province=dataset.province))

    def data(name):
        return request.POST if posted == name else None

    return {"metadata": DatasetForm(data("metadata"), province=dataset.province, editing=True,
                                    initial=DatasetForm.initial_for(dataset), prefix="m"),
            "elements": ElementsForm(data("elements"), dataset=dataset, elements=elements, prefix="x"),
            "rule": RuleForm(data("rule"), prefix="r")}


def _dataset_act(request, dataset, action: str, forms_: dict):
    """Do what the dataset page's form asked; None when a form is invalid (shown again)."""
    actor = request.user
    if action == "publish":
        return definitions.dataset_publish(actor=actor, dataset=dataset)
    if action == "unpublish":
        return definitions.dataset_unpublish(actor=actor, dataset=dataset)
    if action == "rule_delete":
        rule = dataset.rules.filter(code=request.POST.get("rule", "")).first()
        if rule is None:
            raise Http404
        return definitions.rule_delete(actor=actor, rule=rule) or True
    form = forms_[action]
    if not form.is_valid():
        return None
    try:
        if action == "metadata":
            return definitions.dataset_save(actor=actor, province=dataset.province, code=dataset.code,
                                            **form.service_kwargs())
        if action == "elements":
            return definitions.dataset_set_elements(actor=actor, dataset=dataset, items=form.items())
        return definitions.rule_save(actor=actor, dataset=dataset, **form.cleaned_data)
    except ValidationError as error:
        service_errors(form, error)
        return None


ACTIONS = ("metadata", "elements", "rule", "rule_delete", "publish", "unpublish")


@officials_only
@require_http_methods(["GET", "POST"])
def dataset(request, province_code, dataset_code):
    province = definitions.province_for_reader(user=request.user, province_code=province_code)
    dataset = definitions.dataset_of(province=province, dataset_code=dataset_code)
    may_manage = definitions.may_manage(request.user, province)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        _manager(request, province)
        if action not in ACTIONS:
            raise Http404
    forms_ = _dataset_forms(request, dataset, action) if may_manage else {}
    if action:
        try:
            done = _dataset_act(request, dataset, action, forms_)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if done is not None:
                messages.success(request, _("Saved."))
                return redirect("datasets:catalogue_dataset", province.pk, dataset.code)
    return render(request, "datasets/catalogue/dataset.html", {
        "province": province, "dataset": dataset, "items": dataset.members(), "rules": dataset.rules.all(),
        "reports": who_reports(dataset), "may_manage": may_manage, "forms": forms_},
        status=400 if any(f.errors for f in forms_.values()) else 200)


# --- The data dictionary ------------------------------------------------------------------------------


@officials_only
@require_safe
def elements(request, province_code):
    province = definitions.province_for_reader(user=request.user, province_code=province_code)
    rows = definitions.elements_of(province=province)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-dictionary-{province.pk}", columns=ELEMENT_COLUMNS,
                               rows=(_element_row(e) for e in rows))
    return render(request, "datasets/catalogue/elements.html", {
        "province": province, "elements": rows, "may_manage": definitions.may_manage(request.user, province)})


def _element_page(request, province, element=None):
    _manager(request, province)
    initial = ElementForm.initial_for(element) if element else None
    form = ElementForm(request.POST or None, editing=element is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = dict(form.cleaned_data)
        if element is None and definitions.elements_of(province=province).filter(code=c["code"]).exists():
            form.add_error("code", _("The dictionary already has an element with this code."))
        else:
            try:
                saved = definitions.element_save(actor=request.user, province=province, **c)
            except ValidationError as error:
                service_errors(form, error)
            else:
                messages.success(request, _("The element %(code)s was saved.") % {"code": saved.code})
                return redirect("datasets:catalogue_elements", province.pk)
    return render(request, "datasets/catalogue/element.html", {
        "province": province, "element": element, "form": form}, status=400 if form.errors else 200)


@officials_only
@require_http_methods(["GET", "POST"])
def element_new(request, province_code):
    province = definitions.province_for_reader(user=request.user, province_code=province_code)
    return _element_page(request, province)


@officials_only
@require_http_methods(["GET", "POST"])
def element(request, province_code, element_code):
    province = definitions.province_for_reader(user=request.user, province_code=province_code)
    element = definitions.element_of(province=province, element_code=element_code)
    if not definitions.may_manage(request.user, province) and request.method == "GET":
        return render(request, "datasets/catalogue/element.html", {"province": province, "element": element})
    return _element_page(request, province, element)


# --- Definitions as a file ------------------------------------------------------------------------------


@officials_only
@require_safe
def definitions_download(request, province_code):
    """The catalogue (or one dataset, ?dataset=CODE) as a YAML definitions file to edit and load again."""
    province = definitions.province_for_reader(user=request.user, province_code=province_code)
    datasets = definitions.datasets_of(province=province)
    name = f"xaso-definitions-{province.pk}"
    if code := request.GET.get("dataset"):
        datasets = [definitions.dataset_of(province=province, dataset_code=code)]
        name = f"{name}-{code}"
    body = yaml.safe_dump(definitions_file.definitions_dump(datasets), allow_unicode=True, sort_keys=False, width=110)
    response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
    return response


@officials_only
@require_http_methods(["GET", "POST"])
def definitions_upload(request, province_code):
    province = definitions.province_for_reader(user=request.user, province_code=province_code)
    _manager(request, province)
    form = UploadForm(request.POST or None, request.FILES or None)
    faults = []
    if request.method == "POST" and form.is_valid():
        try:
            data = definitions_file.definitions_parse(form.cleaned_data["file"])
            loaded = definitions_file.definitions_load(actor=request.user, province=province, data=data)
        except ValidationError as error:
            faults = error.messages
        else:
            messages.success(request, _("The definitions were loaded (%(n)d datasets).") % {"n": len(loaded)})
            return redirect("datasets:catalogue", province.pk)
    return render(request, "datasets/catalogue/upload.html", {"province": province, "form": form, "faults": faults},
                  status=400 if form.errors or faults else 200)


# --- Public: the catalogue of published datasets ------------------------------------------------------


@require_safe
def public_catalog(request, province_code):
    province = definitions.province_public(province_code=province_code)
    datasets = definitions.published_of(province=province)
    return render(request, "datasets/catalogue/public.html", {
        "province": province, "datasets": [(d, who_reports(d), d.members()) for d in datasets],
        "jsonld": reverse("datasets:catalogue_jsonld", args=[province.pk])})


@require_safe
def public_jsonld(request, province_code):
    province = definitions.province_public(province_code=province_code)
    body = dcat.catalog(province, definitions.published_of(province=province), base=request.build_absolute_uri("/"))
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=2), content_type=dcat.CONTENT_TYPE)
