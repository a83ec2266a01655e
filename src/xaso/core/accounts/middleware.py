# SPDX-License-Identifier: AGPL-3.0-or-later
"""Session policy of a level-3 system (TCVN 14423:2026), for every request of a signed-in user.

* Idle lock: a session unused for XASO_IDLE_MINUTES minutes (XASO_IDLE_MINUTES_ADMIN for
  administrators) ends; the next request signs the user out and sends them to the sign-in page
  (API requests get a JSON 401 instead of a redirect).
* Second factor: an official signed in without the TOTP code reaches only the code pages, sign-out
  and static files; everything else sends them to the code page (JSON 403 for the API). Scoping
  already treats such a user as anonymous; this makes the way forward obvious.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from xaso.core import tenancy

from .signin import ACTIVITY_KEY, fully_signed_in, idle_minutes

API_PREFIX = "/api/"
ACTIVITY_RESOLUTION_SECONDS = 30


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            refusal = self.idle_lock(request, user) or self.second_factor(request, user)
            if refusal is not None:
                return refusal
        response = self.get_response(request)
        # Signed in during this request (a VNeID callback, the code page): the idle clock starts now.
        if request.user.is_authenticated and ACTIVITY_KEY not in request.session:
            request.session[ACTIVITY_KEY] = int(time.time())
        return response

    @staticmethod
    def is_api(request) -> bool:
        return request.path_info.startswith(API_PREFIX)

    def idle_lock(self, request, user):
        now = int(time.time())
        last = request.session.get(ACTIVITY_KEY)
        minutes = idle_minutes(user)
        if isinstance(last, int | float) and now - last > minutes * 60:
            return self.expire(request, minutes)
        # Writing the session on every request would be a database write per page; half a minute of
        # slack on a fifteen-minute lock is not worth that.
        if not isinstance(last, int | float) or now - last >= ACTIVITY_RESOLUTION_SECONDS:
            request.session[ACTIVITY_KEY] = now
        return None

    def expire(self, request, minutes: int):
        request.xaso_signout_reason = "idle"  # read by the audit receiver of user_logged_out
        with tenancy.activate(request):  # so the audit trail records where the request came from
            auth.logout(request)
        message = _("Your session has expired after %(minutes)s minutes without activity. "
                    "Please sign in again.") % {"minutes": minutes}
        if self.is_api(request):
            return JsonResponse({"detail": message, "code": "session_expired"}, status=401)
        messages.warning(request, message)
        return redirect_to_login(request.get_full_path(), reverse("accounts:login"))

    def second_factor(self, request, user):
        if fully_signed_in(user):
            return None
        path = request.path_info
        allowed = {reverse("accounts:otp"), reverse("accounts:otp_setup"), reverse("accounts:logout")}
        if path in allowed or path.startswith(settings.STATIC_URL):
            return None
        if self.is_api(request):
            return JsonResponse({"detail": _("Confirm your sign-in with the six-digit code first."),
                                 "code": "second_factor_required"}, status=403)
        return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
