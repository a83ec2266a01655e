# SPDX-License-Identifier: AGPL-3.0-or-later
from django.core.exceptions import ValidationError


class IntegrationError(ValidationError):
    """The other system refused or could not be reached: shown to the person, nothing is changed."""
