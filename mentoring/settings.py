"""Settings of the Mentoring-Portal, read from the environment.

Every variable is listed with its meaning in `.env.example`. Without any of them the portal runs as
a quickstart: SQLite under `var/`, tasks run eagerly, local-memory cache. With ``DEBUG`` off the
defaults are the secure ones and ``SECRET_KEY`` is required to serve.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # A fixed key is fine for a developer's machine; it never signs anything real.
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-only-for-debug-mode")
else:
    # Required in production, where it is used: Django refuses to sign anything with an empty
    # key, mentoring/wsgi.py refuses to serve without one, and `check --deploy` reports it.
    # Offline commands (makemigrations, compile_translations) need no secret.
    SECRET_KEY = env.str("SECRET_KEY", default="")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin, for operators only (mentoring/admin_site.py).
    "mentoring.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The widgets' templates for the form renderer below, which reads the project's templates.
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "mentoring",
    "core",
    "accounts",
    "programs",
    "tandems",
    "events",
    "news",
    "pages",
    "notifications",
    "privacy",
    "network",
    # django-auditlog records changes; audit/ registers the models, adds views and exports, and
    # shows coordinators the trail of their program. auditlog first: audit/admin.py amends it.
    "auditlog",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The map's GeoJSON: ready bytes, served before the session and CSRF machinery.
    "programs.middleware.GeoJSONMiddleware",
    # The anonymous public pages (home, programs, map, calendar, events, news): ready bytes too.
    "mentoring.public_pages.PublicPageMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Who made a change, for the audit trail; read only when an entry is written.
    "audit.middleware.AuditActorMiddleware",
    # No coordination pages, staff tools or admin without a second factor.
    "programs.middleware.SecondFactorRequiredMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
WSGI_APPLICATION = "mentoring.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pages.context_processors.portal",
            ],
        },
    },
]

# One form layout (templates/includes/form.html, form_field.html) for `{{ form }}` as well.
FORM_RENDERER = "core.forms.PortalFormRenderer"

# --- Database ---------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mentoring.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections, but check them first so a restarted PostgreSQL costs one request, not a 500
    # on every worker.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, answering a miss instead of an error while Redis is down.
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mentoring",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------------
# Celery takes a producer from its pool even to run a task eagerly; the in-memory transport needs
# no host, but without one kombu warns "No hostname was supplied" on every start.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Without a broker (quickstart, plain `manage.py` use) tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it ran, and put back when its worker dies: the work of a killed
# worker is done again by another, never dropped. Tasks are written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fix-up closes the database connection before and after every task unless this
# is set: a new PostgreSQL connection per task, 10-20 ms, most of what a reminder mail costs.
# mentoring/celery.py closes them instead as Django does around a request (CONN_MAX_AGE, and
# after an error if the connection no longer works).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the longest countdown a task is queued with, so Redis does not hand it out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TIMEZONE = "Europe/Berlin"
# Queue names: the scan and other light work on "celery", mails on "mail" (a worker can serve one).
CELERY_TASK_ROUTES = {"notifications.send": {"queue": "mail"}}
# Urgent mail (a concern about someone's safety) is sent from the light queue, which every worker
# serves (Procfile, deploy/systemd): it does not wait behind thousands of reminders on "mail".
NOTIFICATION_URGENT_QUEUE = "celery"
NOTIFICATION_SCAN_SECONDS = env.float("NOTIFICATION_SCAN_SECONDS", default=60.0)
# The readiness check (/healthz/ready) calls the scheduler stale when no scan completed for this
# long: three missed scans, not one slow one.
NOTIFICATION_SCAN_STALE_SECONDS = env.float(
    "NOTIFICATION_SCAN_STALE_SECONDS", default=3 * NOTIFICATION_SCAN_SECONDS
)
CELERY_BEAT_SCHEDULE = {
    # Creates the reminders that came due and queues every due, unsent row (see notifications/).
    "notification-scan": {
        "task": "notifications.scan",
        "schedule": NOTIFICATION_SCAN_SECONDS,
        "options": {"expires": 60},
    },
    # Expired sessions pile up in the database; once a night, when nobody is signed in.
    "clear-expired-sessions": {
        "task": "mentoring.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
    # Deletes and anonymises personal data whose period is over (privacy/retention.py). Daily at
    # 03:30 local time: at night, and outside 02:00-03:00, which the changes of the clocks skip
    # or repeat.
    "retention": {
        "task": "privacy.retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # Unconfirmed event registrations older than REGISTRATION_CONFIRM_HOURS are deleted and
    # their places move on to the waiting list. Every 5 minutes: a place is held at most that
    # much longer; a run takes at most 500 of them (the rest follow with the next run).
    "registration-expiry": {
        "task": "events.expire_registrations",
        "schedule": 5 * 60,
    },
    # Files uploaded to the browser import and not imported within IMPORT_UPLOAD_HOURS are
    # deleted (the record of the upload stays); hourly, so none outlives its time by much.
    "program-import-expiry": {
        "task": "programs.expire_imports",
        "schedule": 60 * 60,
    },
    # Audit entries older than AUDIT_RETENTION_DAYS go, daily at 03:45 Berlin time, after the
    # retention run: at night, and outside the hour (02:00-03:00) that the changes of the clocks
    # skip or repeat, so it runs exactly once on those days too.
    "audit-prune": {
        "task": "audit.prune",
        "schedule": crontab(hour=3, minute=45),
    },
}

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Where a sign-in without `next` leads: accounts.adapter sends each role to where it works
# (network staff to /netzwerk/, coordinators to /koordination/); everyone else goes here.
LOGIN_REDIRECT_URL = "tandems:my_area"

# Two-factor authentication (allauth.mfa) at /konto/2fa/: an authenticator app (TOTP), security
# keys and passkeys (WebAuthn, through fido2 and allauth's own scripts, which need no inline script
# under our CSP) and one-time recovery codes. Everyone may switch it on; coordinators, network
# staff and operators, who see personal data of children and volunteers, must have it before
# /koordination/ or the admin open (programs.middleware.SecondFactorRequiredMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# WebAuthn insists on HTTPS; a developer's http://localhost is allowed while DEBUG is on.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Mentoring-Portal"
# One step of 30 s either way: phones whose clock is a little off still work.
MFA_TOTP_TOLERANCE = 1

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The same work for a known address as for a new one (no enumeration by timing).
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# No "stay signed in" box: the session cookie ends with the browser, and on the server a session
# ends SESSION_COOKIE_AGE after sign-in (see Security below), on shared computers too.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentoring-Portal] "
# Links in account e-mails: https in production even when SITE_URL is not set.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG and SITE_URL.startswith("http:") else "https"
# allauth's defaults, written out because they are part of the promise: ten wrong passwords per
# address in five minutes, then the login answers 429 (the admin login goes through the same view).
# "key" is the address for browsers without a device cookie of the account, and the cookie for
# browsers with one (accounts/adapter.py), so strangers lock out only strangers.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,10/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    # Not allauth's: event registrations per visitor's IP address (events/views/registration.py),
    # counted with its limiter on every POST. A school or an office may register a few people, a
    # script may not fill an event's places or send a stranger's address to every event.
    "event_registration": env.str("REGISTRATION_RATE_LIMIT", default="10/m/ip,30/h/ip"),
}

# --- Audit trail (audit/, on django-auditlog) ------------------------------------------------
# How long entries of the audit trail are kept (days); older ones are deleted every night.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
# Data minimisation: no IP address in any entry. audit/middleware.py never records one; this keeps
# it so should auditlog's own middleware ever be switched on.
AUDITLOG_DISABLE_REMOTE_ADDR = True
# Loading fixtures (raw saves) is not somebody changing a person's record.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

# --- Languages and time -----------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English short dates with the month's name, not month first (mentoring/formats/en/formats.py).
FORMAT_MODULE_PATH = ["mentoring.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploads are public images that the web server (nginx as www-data) serves from MEDIA_ROOT: they
# stay readable whatever the process's umask. The systemd units' UMask=0027 made new upload
# directories 0750, and every logo uploaded afterwards answered 403.
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755
# Spreadsheets uploaded to the browser imports (core/tabular.py): largest file, most data rows.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# An upload not imported within this many hours is deleted (programs.ProgramImport).
IMPORT_UPLOAD_HOURS = env.int("IMPORT_UPLOAD_HOURS", default=24)
# The people import keeps an uploaded file between its steps (mapping, dry run, import) here,
# outside MEDIA_ROOT so that no URL reaches it; deleted after the import, at the latest after a
# day (tandems/services/imports.py).
PEOPLE_IMPORT_DIR = env.path("PEOPLE_IMPORT_DIR", default=VAR_DIR / "imports")
# Documents on people's records (signed agreements, consent forms): never under MEDIA_ROOT, never
# with a URL of their own. Only tandems.views.documents hands them out, to the program's
# coordinators; behind nginx it answers with X-Accel-Redirect to PRIVATE_MEDIA_ACCEL_REDIRECT (an
# `internal` location aliasing PRIVATE_MEDIA_ROOT, deploy/nginx), else it streams the file itself.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
PRIVATE_MEDIA_ACCEL_REDIRECT = env.str("PRIVATE_MEDIA_ACCEL_REDIRECT", default="")
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.staticfiles.StaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://127.0.0.1:25"
)
vars().update(EMAIL_CONFIG)
# A mail server that does not answer must not hold a worker for long; the row is tried again.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The outbox: how long a queued row may wait for its worker before a scan queues it again.
NOTIFICATION_REQUEUE_SECONDS = env.int("NOTIFICATION_REQUEUE_SECONDS", default=600)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentoring-Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Map --------------------------------------------------------------------------------------
# Tiles come from a server the operator chooses; empty means no tiles (the map still shows markers).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")

# --- Source code (AGPL-3.0 § 13: everyone who uses the portal over the network is offered it) ----
# The "Source code" link in every page's footer: the public repository of the code that runs here,
# changes included. Empty: the link goes to /quellcode/, which names the version and the licence
# and says to ask the operator for the source.
SOURCE_URL = env.str("SOURCE_URL", default="")

# --- Operator (shown in the legal notice, privacy policy and accessibility statement) --------
OPERATOR = {
    "name": env.str("OPERATOR_NAME", default=""),
    # One line in the environment; "\n" in it marks the line breaks (systemd and .env alike).
    "address": env.str("OPERATOR_ADDRESS", default="", multiline=True),
    "email": env.str("OPERATOR_EMAIL", default=""),
    "phone": env.str("OPERATOR_PHONE", default=""),
    "representative": env.str("OPERATOR_REPRESENTATIVE", default=""),
}

# --- Open data (the program list and the map offer their current filter as CSV and GeoJSON) ----
# The licence and the attribution are shown beside the download links and travel with the files:
# in the GeoJSON as "license"/"attribution" members, with the CSV as HTTP headers (Link
# rel="license", X-Data-License, X-Data-Attribution) and in the file name; the CSV itself starts
# with its header row, so the portal's import and spreadsheets read it unchanged.
DATA_LICENSE = env.str("DATA_LICENSE", default="") or "CC BY 4.0"
DATA_LICENSE_URL = env.str("DATA_LICENSE_URL", default="") or (
    "https://creativecommons.org/licenses/by/4.0/" if DATA_LICENSE == "CC BY 4.0" else ""
)
DATA_ATTRIBUTION = env.str("DATA_ATTRIBUTION", default="") or OPERATOR["name"] or "Mentoring-Portal"

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Eight hours, a working day, counted from sign-in (and from any later change of the session).
# Not renewed on every request: that would cost a database write per signed-in page view, for
# little gain over a limit that a coordinator meets at most once a day.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_SAMESITE = "Lax"
# JavaScript never reads the CSRF token (forms carry it in a hidden field), so the cookie can be
# HttpOnly; the cost, no AJAX POST reading the cookie, is none here.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page of the portal uses: denied to every page and every frame in it. The
# one exception is the location, for the map's "use my location" button, and only for the
# portal's own pages (the position stays in the browser; see static/js/map.js).
PERMISSIONS_POLICY = {
    "geolocation": ["self"],
    **{
        feature: []
        for feature in (
            "accelerometer",
            "autoplay",
            "browsing-topics",
            "camera",
            "display-capture",
            "encrypted-media",
            "fullscreen",
            "gyroscope",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "screen-wake-lock",
            "serial",
            "usb",
            "xr-spatial-tracking",
        )
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer asks over plain HTTP inside the data centre.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/ready$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Device cookies (accounts/devices.py): after a successful sign-in the browser keeps a signed
# cookie naming the account (as a keyed hash) and a random nonce. Its failed logins count against
# a limit of that cookie instead of the account's, so a stranger guessing passwords cannot lock
# the owner out. Only the portal's own login form reads it, so it can be SameSite=Strict.
DEVICE_COOKIE_NAME = "trusted_device"
DEVICE_COOKIE_AGE = env.int("DEVICE_COOKIE_AGE", default=180 * 24 * 60 * 60)
DEVICE_COOKIE_SECURE = SESSION_COOKIE_SECURE
DEVICE_COOKIE_SAMESITE = "Strict"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a reverse proxy that terminates TLS, set TRUST_X_FORWARDED_PROTO=true and make sure the
# proxy overwrites X-Forwarded-Proto on every request. When gunicorn terminates TLS itself, leave
# it off: Django then sees https directly.
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", default=False)
if TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# allauth's per-IP rate limits need the visitor's address, not the proxy's: behind N proxies it
# reads the N-th address from the right of X-Forwarded-For. Without this, ten wrong passwords
# from anyone would lock everybody out.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=1 if TRUST_X_FORWARDED_PROTO else 0
)

SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Preloading puts the whole domain on the browsers' built-in HTTPS list and is hard to undo;
    # only the operator of the domain can take that decision (SECURE_HSTS_PRELOAD=true).
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy: only our own origin; no inline script or style anywhere. Map tiles are
# the one outside source, and only when the operator configured a tile server.
_tile_origin = ""
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tile = urlsplit(MAP_TILE_URL)
    # "{s}" stands for the tile server's subdomains a, b, c: a CSP wildcard covers them.
    _tile_origin = f"{_tile.scheme}://{_tile.netloc.replace('{s}', '*')}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Logging ----------------------------------------------------------------------------------
# "plain" for a developer's terminal; "json" in production: one JSON object per line (time,
# level, logger, message, request method and path where there is a request) for journald and log
# collectors. gunicorn.conf.py reads the same variable for the server's own and access logs.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Rejected hosts are scanners, not errors of ours.
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # Django's own handlers print plain lines with DEBUG on and mail ADMINS (none are set):
        # in JSON mode its records go through the root handler alone.
        **(
            {"django": {"handlers": [], "level": env.str("LOG_LEVEL", default="INFO")}}
            if LOG_FORMAT == "json"
            else {}
        ),
    },
}

# --- Retention (privacy/retention.py; the programs set their own periods) -----------------------
# Registrations for events of the network or an organisation (no program): months after the event.
REGISTRATION_RETENTION_MONTHS = env.int("REGISTRATION_RETENTION_MONTHS", default=3)
# Finished outbox rows (sent, skipped, failed): days after they were due.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=90)
# Coordinators' messages to volunteers (kept with their recipients): months after sending.
PROGRAM_MESSAGE_RETENTION_MONTHS = env.int("PROGRAM_MESSAGE_RETENTION_MONTHS", default=24)
# Done to-dos: months after they were marked done.
TODO_RETENTION_MONTHS = env.int("TODO_RETENTION_MONTHS", default=12)
# Coordinator invitations that were accepted, revoked or expired: days after that (the address
# they hold goes with them; the role granted stays in the audit trail).
COORDINATOR_INVITATION_RETENTION_DAYS = env.int("COORDINATOR_INVITATION_RETENTION_DAYS", default=90)

# --- Coordinator invitations (programs/invitations.py) -----------------------------------------
# How many days the mailed link to become a program's coordinator works.
COORDINATOR_INVITATION_DAYS = env.int("COORDINATOR_INVITATION_DAYS", default=14)

# --- Coordinators' messages to volunteers (tandems/services/messages.py) -----------------------
# How many messages one program may send within an hour: a slip or a hijacked account cannot
# flood the volunteers.
PROGRAM_MESSAGES_PER_HOUR = env.int("PROGRAM_MESSAGES_PER_HOUR", default=5)

# --- Event registrations (double opt-in, events/services.py) ---------------------------------
# A registration counts once the owner of its address confirmed it by the mailed link. Until then
# it holds its place for this many hours; then it is deleted and the waiting list moves up.
REGISTRATION_CONFIRM_HOURS = env.int("REGISTRATION_CONFIRM_HOURS", default=24)

# bench/ switches on a trivial view as the baseline of its measurements; off everywhere else.
BENCHMARK_VIEWS = env.bool("BENCHMARK_VIEWS", default=False)

# Tests and `.ci/run` set this: a test that would skip for a missing service fails instead.
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)
