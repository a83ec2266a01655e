# SPDX-License-Identifier: AGPL-3.0-or-later
# TEMPORARY during the first build: named routes the helpers replace. Must be gone before commit to main.
from django.http import HttpResponse


def placeholder(request, **kwargs):
    return HttpResponse("placeholder", status=501)
