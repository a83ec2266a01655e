# SPDX-License-Identifier: AGPL-3.0-or-later
"""Navigation by role: each entry is shown only to those who may use it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    scope = scope_for(user)
    items = [(_("Home"), reverse("ui:home")), (_("The model"), reverse("catalogue:components")),
             (_("Procedures"), reverse("procedures:list")), (_("Look up a dossier"), reverse("dossiers:lookup"))]
    if scope.kind == "person":
        items.append((_("My dossiers"), reverse("dossiers:mine")))
        items.append((_("My e-data store"), reverse("dossiers:papers")))
        items.append((_("My field reports"), reverse("reports:mine")))
        items.append((_("My petitions"), reverse("petitions:mine")))
        items.append((_("My village groups"), reverse("community:mine")))
    if scope.kind == "commune":
        items.append((_("Dashboard"), reverse("measurement:commune_dashboard", args=[scope.commune_id])))
        items.append((_("Dossiers"), reverse("dossiers:inbox", args=[scope.commune_id])))
        items.append((_("Queue"), reverse("queue:counters", args=[scope.commune_id])))
        items.append((_("Documents"), reverse("documents:registers", args=[scope.commune_id])))
        items.append((_("Signing keys"), reverse("signing:keys", args=[scope.commune_id])))
        items.append((_("Field reports"), reverse("reports:work", args=[scope.commune_id])))
        items.append((_("Petitions"), reverse("petitions:work", args=[scope.commune_id])))
        items.append((_("Village groups"), reverse("community:commune", args=[scope.commune_id])))
        items.append((_("Data returns"), reverse("datasets:commune_returns", args=[scope.commune_id])))
        items.append((_("Surveys"), reverse("surveys:list", args=[scope.commune_id])))
        items.append((_("Service index 766"), reverse("measurement:commune_index", args=[scope.commune_id])))
        items.append((_("Our procedures"), reverse("procedures:commune", args=[scope.commune_id])))
        items.append((_("Our roadmap"), reverse("catalogue:roadmap", args=[scope.commune_id])))
        items.append((_("Villages"), reverse("places:villages", args=[scope.commune_id])))
    if scope.kind in ("province", "system"):
        items.append((_("Province matrix"), reverse("catalogue:matrix")))
        items.append((_("Communes"), reverse("places:communes")))
        items.append((_("Trusted authorities"), reverse("signing:trust")))
    if scope.kind == "province":
        items.append((_("Dashboard"), reverse("measurement:province_dashboard", args=[scope.province_id])))
        items.append((_("Service index 766"), reverse("measurement:province_index", args=[scope.province_id])))
        items.append((_("Indicators and rules"), reverse("measurement:rules", args=[scope.province_id])))
        items.append((_("Data catalogue"), reverse("datasets:catalogue", args=[scope.province_id])))
        items.append((_("Data returns"), reverse("datasets:province_returns", args=[scope.province_id])))
        items.append((_("API keys"), reverse("datasets:keys", args=[scope.province_id])))
    if scope.kind in ("province", "commune") and scope.province_id:
        items.append((_("Working-day calendar"), reverse("clock:province", args=[scope.province_id])))
    items.append((_("Verify a signature"), reverse("documents:verify")))
    items.append((_("API"), reverse("api-docs")))
    return {"nav_items": items, "xaso_scope": scope}
