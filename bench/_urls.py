# SPDX-License-Identifier: AGPL-3.0-or-later
"""The project's URLs plus the bare handlers the benchmarks compare with: the same SQL, nothing else."""

from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.urls import path

from xaso.urls import urlpatterns as project_urls


def bare_lookup(request):
    """What a look-up needs at the least: the dossier by its unique code, its steps, the digits check."""
    from xaso.modules.dossiers.models import Dossier, DossierStep
    from xaso.modules.procedures.models import Procedure

    q = connection.ops.quote_name
    d, p, s = Dossier._meta.db_table, Procedure._meta.db_table, DossierStep._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id, d.code, d.status, d.due_date, p.name, d.applicant_id_number, d.applicant_phone "  # noqa: S608
            f"FROM {q(d)} d JOIN {q(p)} p ON p.id = d.procedure_id WHERE d.code = %s", [request.GET["code"]])
        row = cursor.fetchone()
        if row is None or not (row[5].endswith(request.GET["secret"]) or row[6].endswith(request.GET["secret"])):
            return JsonResponse({}, status=404)
        cursor.execute(f"SELECT transition, to_state, at FROM {q(s)} WHERE dossier_id = %s ORDER BY at, id",  # noqa: S608
                       [row[0]])
        steps = cursor.fetchall()
    return JsonResponse({"code": row[1], "status": row[2], "due_date": str(row[3]), "procedure": row[4],
                         "steps": [[t, st, str(at)] for t, st, at in steps]})


def bare_upload(request):
    """What receiving a photo needs at the least: Django's multipart parsing, the bytes saved to storage."""
    upload = request.FILES["photo"]
    name = default_storage.save(f"bench/{upload.name}", upload)
    return JsonResponse({"name": name}, status=201)


urlpatterns = [*project_urls, path("bench/bare-lookup/", bare_lookup), path("bench/bare-upload/", bare_upload)]
