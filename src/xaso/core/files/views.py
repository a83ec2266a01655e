# SPDX-License-Identifier: AGPL-3.0-or-later
import logging

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from xaso.core import tenancy

from . import selectors

logger = logging.getLogger(__name__)


@require_safe
def download(request, file_id: int):
    """The file as an attachment, with the type sniffed at upload and never a type the browser guesses."""
    if tenancy.scope_of_request(request) == tenancy.ANONYMOUS:
        return redirect_to_login(request.get_full_path())
    stored = selectors.file_for_download(user=request.user, file_id=file_id)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        logger.error("stored file %s is missing from storage (%s)", stored.pk, stored.file.name)
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name,
                            content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
