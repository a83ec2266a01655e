# SPDX-License-Identifier: AGPL-3.0-or-later
# TEMPORARY during the first build: the accounts helper writes the real session policy here.


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
