# SPDX-License-Identifier: AGPL-3.0-or-later
app_name = "fake_idp"
urlpatterns = []
