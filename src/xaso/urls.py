# SPDX-License-Identifier: AGPL-3.0-or-later
from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("xaso.core.ui.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("xaso.core.accounts.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("places/", include("xaso.core.places.urls")),
    path("model/", include("xaso.core.catalogue.urls")),
    path("files/", include("xaso.core.files.urls")),
    path("calendar/", include("xaso.core.clock.urls")),
    path("notifications/", include("xaso.core.notify.urls")),
    path("procedures/", include("xaso.modules.procedures.urls")),
    path("queue/", include("xaso.modules.queue.urls")),
    path("dossiers/", include("xaso.modules.dossiers.urls")),
    path("documents/", include("xaso.modules.documents.urls")),
    path("signing/", include("xaso.core.signing.urls")),
    path("reports/", include("xaso.modules.reports.urls")),
    path("open311/", include("xaso.modules.reports.open311_urls")),
    path("petitions/", include("xaso.modules.petitions.urls")),
    path("community/", include("xaso.modules.community.urls")),
    path("data/", include("xaso.modules.datasets.urls")),
    path("surveys/", include("xaso.modules.surveys.urls")),
    path("measure/", include("xaso.modules.measurement.urls")),
    path("api/v1/places/", include("xaso.core.places.api")),
    path("api/v1/model/", include("xaso.core.catalogue.api")),
    path("api/v1/calendar/", include("xaso.core.clock.api")),
    path("api/v1/procedures/", include("xaso.modules.procedures.api")),
    path("api/v1/queue/", include("xaso.modules.queue.api")),
    path("api/v1/dossiers/", include("xaso.modules.dossiers.api")),
    path("api/v1/documents/", include("xaso.modules.documents.api")),
    path("api/v1/data/", include("xaso.modules.datasets.api")),
    path("api/v1/measure/", include("xaso.modules.measurement.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.XASO_FAKE_IDP:
    # The local stand-in for VNeID, for development, tests and the demo; never in production.
    urlpatterns.append(path("fake-idp/", include("xaso.core.accounts.fake_idp")))
