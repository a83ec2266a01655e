# SPDX-License-Identifier: AGPL-3.0-or-later
# TEMPORARY during the first build: the accounts helper writes the real views here.
from django.http import HttpResponse


def locked_out(request, credentials=None, *args, **kwargs):
    return HttpResponse(status=403)


def rate_limited(request, exception=None):
    return HttpResponse(status=429)
