# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from xaso.core.tenancy import current


@require_GET
def home(request):
    scope = current()
    if scope.kind == "commune":
        return redirect("catalogue:roadmap", scope.commune_id)
    if scope.kind in ("province", "system"):
        return redirect("catalogue:matrix")
    return render(request, "xaso/home.html")


@require_GET
def healthz(request):
    """For the load balancer and for `make demo` to know the server is up."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
