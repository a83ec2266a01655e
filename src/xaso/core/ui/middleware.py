# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese first: a page is Vietnamese unless the person chose English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers in commune
offices are set to English; so for pages only the switch's cookie counts. The API and the Open311
endpoint keep Accept-Language, which is how programs ask for a language (docs/decisions/0009-language.md).
"""


class VietnameseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(("/api/", "/open311/")):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
