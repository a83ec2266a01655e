# SPDX-License-Identifier: AGPL-3.0-or-later
"""The one settings file of xaso, read from the environment.

Development and the demo need nothing: SQLite in WAL mode under ./var. Production is chosen with
XASO_ENV=production and then every secret and host comes from the environment; the security
settings of a level-3 information system (TCVN 14423:2026, see docs/decisions/0004) hold in every
profile, because officials must meet them from the first day, not from the first deployment.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("XASO_VAR_DIR", Path.cwd() / "var"))

ENV = os.environ.get("XASO_ENV", "development")
PRODUCTION = ENV == "production"


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when XASO_ENV=production")
    return value


if PRODUCTION:
    SECRET_KEY = _required("XASO_SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in _required("XASO_ALLOWED_HOSTS").split(",") if h.strip()]
    DEBUG = False
else:
    # A fixed key is fine for a development machine: nothing it signs leaves it.
    SECRET_KEY = os.environ.get("XASO_SECRET_KEY", "development-only-not-secret-" + "x" * 40)
    ALLOWED_HOSTS = ["*"]
    DEBUG = os.environ.get("XASO_DEBUG", "1") == "1"

INSTALLED_APPS = [
    # First, as Channels asks: its `runserver` serves the ASGI application (pages and WebSockets).
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "mozilla_django_oidc",
    "django_tasks",
    "django_tasks_db",  # the queue table of the database backend, for deployments that run `xaso db_worker`
    # xaso's shared mechanisms, then its modules (each module's AppConfig is its manifest).
    "xaso.core.audit",
    "xaso.core.places",
    "xaso.core.accounts",
    "xaso.core.files",
    "xaso.core.catalogue",
    "xaso.core.sequences",
    "xaso.core.clock",
    "xaso.core.notify",
    "xaso.core.integrations",
    "xaso.core.signing",
    "xaso.core.ui",
    "xaso.modules.procedures",
    "xaso.modules.queue",
    "xaso.modules.dossiers",
    "xaso.modules.documents",
    "xaso.modules.reports",
    "xaso.modules.petitions",
    "xaso.modules.community",
    "xaso.modules.datasets",
    "xaso.modules.surveys",
    "xaso.modules.measurement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xaso.core.ui.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xaso.core.accounts.middleware.SessionPolicyMiddleware",
    "xaso.core.tenancy.ScopeMiddleware",
    "axes.middleware.AxesMiddleware",
    # Turns django-ratelimit's Ratelimited exception into RATELIMIT_VIEW (a 429 page).
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "xaso.urls"
WSGI_APPLICATION = "xaso.wsgi.application"
ASGI_APPLICATION = "xaso.asgi.application"
# The live pages' messages between processes (docs/decisions/0023-village-channels.md): in this process's
# memory by default (one server process, as the demo runs), through Redis when the deployment runs several.
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer",
         "CONFIG": {"hosts": [os.environ["XASO_CHANNEL_REDIS_URL"]]}}
        if os.environ.get("XASO_CHANNEL_REDIS_URL")
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xaso.core.ui.context.navigation",
            ],
        },
    },
]

# --- Database: SQLite (WAL) by default, anything dj-database-url reads through DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'xaso.sqlite3'}", conn_max_age=0 if not PRODUCTION else 60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids "database is locked" on upgrade
    # from a read to a write lock inside a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["XASO_REDIS_URL"]}
        if os.environ.get("XASO_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- People and access
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "xaso.core.accounts.backends.OfficialBackend",
    "xaso.core.accounts.oidc.CitizenOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "ui:home"

# Level-3 rules (TCVN 14423:2026 as summarised in shared/DOMAIN.md §7).
XASO_LOCKOUT_FAILURES = 5
XASO_IDLE_MINUTES = 15
XASO_IDLE_MINUTES_ADMIN = 5
XASO_INACTIVE_DAYS = 45
AXES_FAILURE_LIMIT = XASO_LOCKOUT_FAILURES
# Per account, not per address: a commune office signs in from behind one NAT address
# (docs/decisions/0006-sign-in-lockout-and-rate-limits.md). axes.W006 warns about lockouts keyed by
# user agent or cookie, which an attacker can rotate; a username cannot be rotated, so it is silenced.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
# The lock runs from the fifth failure; retrying while locked does not stretch it (see 0006).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "xaso.core.accounts.views.locked_out"
AXES_VERBOSE = False
RATELIMIT_VIEW = "xaso.core.accounts.views.rate_limited"
XASO_SIGNIN_RATE = os.environ.get("XASO_SIGNIN_RATE", "20/m")
# Behind a reverse proxy every request comes from the proxy: name the META key holding the client's
# address (e.g. HTTP_X_REAL_IP), or the per-address limits count all users as one address.
RATELIMIT_IP_META_KEY = os.environ.get("XASO_CLIENT_IP_META_KEY") or None
OTP_TOTP_ISSUER = "xaso"  # the name authenticator apps show beside the six-digit code

# Citizens and businesses sign in through OpenID Connect: VNeID in production, the local fake provider
# (xaso.core.accounts.fake_idp) in development, tests and the demo.
XASO_FAKE_IDP = os.environ.get("XASO_FAKE_IDP", "0" if PRODUCTION else "1") == "1"
if PRODUCTION and XASO_FAKE_IDP:
    raise ImproperlyConfigured("XASO_FAKE_IDP signs anyone in as anyone: it must not be on in production")
# Where people reach this site; the fake provider's endpoints live under it.
XASO_PUBLIC_URL = os.environ.get("XASO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
_FAKE_IDP_URL = f"{XASO_PUBLIC_URL}/fake-idp" if XASO_FAKE_IDP else ""


def _oidc_endpoint(name: str, fake_path: str) -> str:
    return os.environ.get(f"XASO_OIDC_{name}_ENDPOINT", "") or (_FAKE_IDP_URL and f"{_FAKE_IDP_URL}/{fake_path}")


OIDC_RP_CLIENT_ID = os.environ.get("XASO_OIDC_CLIENT_ID", "xaso-local")
OIDC_RP_CLIENT_SECRET = os.environ.get("XASO_OIDC_CLIENT_SECRET", "" if PRODUCTION else "local-fake-secret")
OIDC_RP_SIGN_ALGO = os.environ.get("XASO_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid profile"
OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc_endpoint("AUTHORIZATION", "authorize/")
OIDC_OP_TOKEN_ENDPOINT = _oidc_endpoint("TOKEN", "token/")
OIDC_OP_USER_ENDPOINT = _oidc_endpoint("USER", "userinfo/")
OIDC_OP_JWKS_ENDPOINT = _oidc_endpoint("JWKS", "jwks/")
# The `iss` every ID token must carry (checked by CitizenOIDCBackend when set).
XASO_OIDC_ISSUER = os.environ.get("XASO_OIDC_ISSUER", "") or _FAKE_IDP_URL
OIDC_CREATE_USER = True
OIDC_USERNAME_ALGO = "xaso.core.accounts.oidc.username_for_claims"
OIDC_CALLBACK_CLASS = "xaso.core.accounts.oidc.CitizenCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "accounts:login"

SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("XASO_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("XASO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

# --- Language: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
USE_I18N = True
# The texts of the shared mechanisms that are not apps (core/workflow.py, core/outbox.py, core/api.py …).
LOCALE_PATHS = [Path(__file__).resolve().parent / "core" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- Files and static assets: everything is served from this host; no page loads from the Internet.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("XASO_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("XASO_MEDIA_ROOT", VAR_DIR / "media"))
# Front-end libraries arrive with pip, never from a CDN: Leaflet from the XStatic-Leaflet package.
STATICFILES_DIRS = [("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
# The map's tiles: a tile server the commune can reach ({z}/{x}/{y} template). Empty: reports are drawn on a
# blank map, since no page may load anything from the Internet by default.
XASO_MAP_TILES_URL = os.environ.get("XASO_MAP_TILES_URL", "")
XASO_MAP_TILES_ATTRIBUTION = os.environ.get("XASO_MAP_TILES_ATTRIBUTION", "")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
XASO_MAX_UPLOAD_BYTES = int(os.environ.get("XASO_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = XASO_MAX_UPLOAD_BYTES

# --- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "xaso.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "xaso API",
    "DESCRIPTION": "Xã số — the digital commune. Catalogue of the commune digital-transformation model, "
    "places and adoption records.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Communes and villages both have a "kind", with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "CommuneKindEnum": "xaso.core.places.models.COMMUNE_KINDS",
        "VillageKindEnum": "xaso.core.places.models.VILLAGE_KINDS",
        # A commune's area_type and a component's area are the same choice set: one enum.
        "AreaTypeEnum": "xaso.core.places.models.AreaType",
        "AdoptionStatusEnum": "xaso.core.catalogue.models.Status",
        "DossierStatusEnum": "xaso.modules.dossiers.models.Status",
        "TicketStatusEnum": "xaso.modules.queue.models.Ticket.Status",
        "CalendarDayKindEnum": "xaso.core.clock.models.CalendarDay.Kind",
        "DocumentChannelEnum": "xaso.modules.documents.models.Channel",
        "DossierChannelEnum": "xaso.modules.dossiers.models.Channel",
        "IncomingDocumentStatusEnum": "xaso.modules.documents.models.IncomingStatus",
        "OutgoingDocumentStatusEnum": "xaso.modules.documents.models.OutgoingStatus",
    },
}

# --- Background work, notifications and the systems xaso talks to.
# Tasks run at once unless a deployment names a queueing backend; callers enqueue them after commit.
# By default a task runs at once, after the commit, in the process that asked for it: the demo then needs no
# worker. A deployment sets XASO_TASK_BACKEND=django_tasks_db.DatabaseBackend and runs `xaso db_worker`, so
# that thumbnails and messages are made outside the request (the database is the queue: nothing to add).
TASKS = {"default": {
    "BACKEND": os.environ.get("XASO_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}
# Outgoing e-mail and SMS go through the outbox (xaso.core.notify); by default both are printed.
EMAIL_BACKEND = os.environ.get("XASO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("XASO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("XASO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("XASO_EMAIL_FROM", "xaso@localhost")
XASO_SMS_SENDER = os.environ.get("XASO_SMS_SENDER", "console")  # "console" or "http"
XASO_SMS_URL = os.environ.get("XASO_SMS_URL", "")  # the SMS gateway's endpoint when the sender is "http"
# The national public service portal (inter-agency forwarding, status synchronisation): empty = the
# local fake, which records what it is sent.
XASO_NATIONAL_PORTAL_URL = os.environ.get("XASO_NATIONAL_PORTAL_URL", "")
# The provincial document-exchange axis (liên thông văn bản, edXML packages): empty = the local fake, which
# queues packages in this database, so that the communes of one install exchange documents with each other.
XASO_DOCUMENT_AXIS_URL = os.environ.get("XASO_DOCUMENT_AXIS_URL", "")
# The province's IOC / dashboard, which receives every change of a field report: empty = the local fake.
XASO_IOC_URL = os.environ.get("XASO_IOC_URL", "")
# The province's data-sharing platform (LGSP); empty: the local fake (docs/decisions/0024-commune-data.md).
XASO_LGSP_URL = os.environ.get("XASO_LGSP_URL", "")
XASO_PROVINCE_DASHBOARD_URL = os.environ.get("XASO_PROVINCE_DASHBOARD_URL", "")  # empty: the local fake
# Open311 clients filing reports must give one of these keys (comma-separated); empty: filing is open, as the
# public form is.
XASO_OPEN311_API_KEYS = [k.strip() for k in os.environ.get("XASO_OPEN311_API_KEYS", "").split(",") if k.strip()]
# Digital signatures (PAdES, docs/decisions/0018): root certificates trusted beyond those the province
# adds in xaso (PEM files, separated by os.pathsep), an RFC 3161 time-stamping service (empty: none),
# whether a certificate whose revocation list cannot be fetched may still sign ("soft-fail") or not
# ("hard-fail"), and the PKCS#11 module of a server-side token or HSM (empty: PKCS#12 files only).
XASO_SIGNING_TRUST_ROOTS = [p for p in os.environ.get("XASO_SIGNING_TRUST_ROOTS", "").split(os.pathsep) if p]
XASO_SIGNING_TIMESTAMP_URL = os.environ.get("XASO_SIGNING_TIMESTAMP_URL", "")
XASO_SIGNING_REVOCATION = os.environ.get("XASO_SIGNING_REVOCATION", "soft-fail")
if XASO_SIGNING_REVOCATION not in ("soft-fail", "hard-fail"):
    raise ImproperlyConfigured("XASO_SIGNING_REVOCATION must be soft-fail or hard-fail")
XASO_PKCS11_MODULE = os.environ.get("XASO_PKCS11_MODULE", "")
# Verifying a PDF anyone uploads: download CRLs named by its certificates? Off by default (see
# xaso.core.signing.trust.validation_context); revocation data embedded in the PDF is used either way.
XASO_SIGNING_VERIFY_FETCH = os.environ.get("XASO_SIGNING_VERIFY_FETCH", "0") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XASO_LOG_LEVEL", "WARNING")},
}
