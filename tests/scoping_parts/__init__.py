# SPDX-License-Identifier: AGPL-3.0-or-later
"""Each module's share of the scoping test (tests/test_scoping.py), one file per module.

A part is a module here that defines:

* ``private(commune, users, secrets) -> dict``: creates records of commune A that outsiders must not see
  (carrying the secret markers in a field the pages show) and returns the values of the URL parameters
  that name them (``{"dossier_code": ..., "ticket_id": ...}``);
* ``state() -> object``: a picture of those rows that any write by an outsider would change;
* ``GENERIC``: DRF route segment → parameter name, for routes with a generic ``pk``/``id``;
* ``PUBLIC_ABOUT_A``: names of routes that name a record of commune A yet show only public facts.
"""

import importlib
import pkgutil


def parts():
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
