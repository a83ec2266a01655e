# SPDX-License-Identifier: AGPL-3.0-or-later
"""The production profile passes Django's deployment checks, refuses to start without its secrets,
and no page loads anything from the Internet (communes run on intranets and weak links)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import xaso

ROOT = Path(__file__).resolve().parent.parent
SRC = Path(xaso.__file__).resolve().parent


def xaso_check(tmp_path, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("XASO_", "DJANGO_"))}
    environ.pop("DATABASE_URL", None)  # nothing here needs a database
    environ.update(XASO_VAR_DIR=str(tmp_path), XASO_ENV="production", **env)
    return subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "xaso.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ, capture_output=True, text=True, timeout=120,
    )


def test_the_production_profile_passes_the_deployment_checks(tmp_path):
    done = xaso_check(tmp_path, XASO_SECRET_KEY=secrets.token_urlsafe(64), XASO_ALLOWED_HOSTS="xaso.quangninh.gov.vn")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("missing", ["XASO_SECRET_KEY", "XASO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = {"XASO_SECRET_KEY": secrets.token_urlsafe(64), "XASO_ALLOWED_HOSTS": "xaso.quangninh.gov.vn"}
    del env[missing]
    done = xaso_check(tmp_path, **env)
    assert done.returncode != 0
    assert f"{missing} must be set when XASO_ENV=production" in done.stderr


# --- No page loads anything from the Internet ---------------------------------------------------------
# An asset is what a browser fetches by itself: src=, <link href=>, CSS url() and @import. A plain link
# (<a href="https://...">) is something a person chooses to follow, and is allowed.
EXTERNAL = r"(?:https?:)?//(?!(?:localhost|127\.0\.0\.1)[:/])"
ASSET_PATTERNS = [
    re.compile(rf"""\bsrc\s*=\s*["']?{EXTERNAL}""", re.IGNORECASE),
    re.compile(rf"""<link\b[^>]*\bhref\s*=\s*["']?{EXTERNAL}""", re.IGNORECASE),
    re.compile(rf"""url\(\s*["']?{EXTERNAL}""", re.IGNORECASE),
    re.compile(rf"""@import\s+(?:url\()?\s*["']{EXTERNAL}""", re.IGNORECASE),
]
SCANNED = {".html", ".htm", ".css", ".js", ".svg", ".txt"}


def external_assets(text: str) -> list[str]:
    return [m.group(0) for pattern in ASSET_PATTERNS for m in pattern.finditer(text)]


def our_templates_and_static_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*") if p.is_file() and p.suffix in SCANNED
                  and {"templates", "static"} & set(p.relative_to(SRC).parts))


def test_the_scanner_recognises_external_assets():
    assert external_assets('<script src="https://cdn.example.com/htmx.js"></script>')
    assert external_assets("<link rel=stylesheet href='//fonts.example.com/css'>")
    assert external_assets("body { background: url(https://example.com/bg.png) }")
    assert external_assets('@import "https://example.com/x.css";')
    assert not external_assets('<script src="/static/xaso/app.js"></script>')
    assert not external_assets('<a href="https://www.gnu.org/licenses/agpl-3.0.html">AGPL</a>')
    assert not external_assets('<img src="http://127.0.0.1:8000/static/logo.svg">')


def test_no_template_or_static_file_loads_from_the_internet():
    files = our_templates_and_static_files()
    assert any(p.name == "base.html" for p in files)  # the scan looks where the templates are
    found = {str(p.relative_to(SRC)): hits for p in files
             if (hits := external_assets(p.read_text(encoding="utf-8", errors="replace")))}
    assert not found, f"assets loaded from the Internet: {found}"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/docs/"])
def test_pages_as_served_load_nothing_from_the_internet(client, db, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert not external_assets(response.content.decode()), path


# --- What the repository publishes about itself --------------------------------------------------------
def test_publiccode_yml_describes_this_release():
    meta = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{meta["softwareVersion"]}"' in pyproject
    assert meta["legal"]["license"] == "AGPL-3.0-or-later"
    assert set(meta["description"]) == set(meta["localisation"]["availableLanguages"]) == {"vi", "en"}
    for text in meta["description"].values():
        assert len(text["shortDescription"]) <= 150 and 150 <= len(text["longDescription"]) <= 10000
        assert text["features"] and all(len(f) <= 100 for f in text["features"])


def test_the_licence_is_the_full_agpl():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
    assert "Version 3, 19 November 2007" in text and "END OF TERMS AND CONDITIONS" in text
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in text
    assert len(text) > 34000
