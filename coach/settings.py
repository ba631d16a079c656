"""Settings, read from the environment only.

With nothing set the product runs in its embedded mode: SQLite, Celery on kombu's filesystem
transport and e-mail written to the console. Production sets DATABASE_URL, CELERY_BROKER_URL,
SECRET_KEY, ALLOWED_HOSTS and the e-mail variables.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - used only with DEBUG on
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (50+ random characters) or run with DEBUG=true."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "coach",
    "exercises",
    "programs",
    "training",
    "reminders",
]

MIDDLEWARE = [
    "coach.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the same headers as pages.
    "coach.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "coach.api_middleware.ApiErrorShapeMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coach.urls"
WSGI_APPLICATION = "coach.wsgi.application"
ASGI_APPLICATION = "coach.asgi.application"

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
                "coach.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A second connection (the Celery worker) must wait for a lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every web and worker process (never per-process memory): Redis when
# CACHE_URL names one, else a table in the database (the embedded default). Sessions live in it,
# backed by the database so a cache restart logs no one out.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "coach.cache.RedisCache", "LOCATION": CACHE_URL}
    }
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// URL (or unset for the database).")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coach_cache",
            # Room for the sessions, the versions and the kept pages and parts of a small
            # practice (the backend's default, 300, drops a third of them at every overflow).
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "coach.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "coach.auth.Backend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
INVITE_MAX_AGE = timedelta(days=int(os.environ.get("INVITE_MAX_AGE_DAYS", "7")))

# Repeated failed logins lock that e-mail address out, from that address, for a while; and
# many failed logins from one address, whatever accounts they try, lock that address out (a
# higher limit, so that a gym behind one address is not locked out by a few typos).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# The first group is the account (from an address), the second the address alone: the order
# is read by coach.login_limits, which applies AXES_IP_FAILURE_LIMIT to the second.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "30"))
AXES_HANDLER = "coach.login_limits.LoginLimitsHandler"
AXES_CLIENT_IP_CALLABLE = "coach.login_limits.client_ip"
# Behind a reverse proxy, the header it puts the client's address in (e.g. X-Forwarded-For or
# X-Real-IP), and for X-Forwarded-For how many proxies of ours append to it. Unset, the
# address is the connection's own: a header anyone can send is never trusted.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "").strip()
CLIENT_IP_PROXY_COUNT = int(os.environ.get("CLIENT_IP_PROXY_COUNT", "1"))
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
WHITENOISE_MANIFEST_STRICT = False

# E-mail: the console unless told otherwise (EMAIL_BACKEND=...filebased.EmailBackend writes files).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Coach <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: on by default, each switchable for a set-up behind a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from this site's own files: no inline script, no event-handler attributes, no
# eval. Styles likewise (the pages use no style attributes; the API docs page, whose Swagger UI
# needs inline styles, relaxes style-src for itself in coach/urls.py). Swagger UI's icons are
# data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The library shows a YouTube demo's thumbnail, from YouTube's image host.
        "img-src": [SELF, "data:", "https://i.ytimg.com"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page uses are off, for this site and anything it could embed; Today keeps
# the screen awake during a timer (vibration is not governed by this header).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": ["self"],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
SESSION_COOKIE_HTTPONLY = True
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    # A bearer token first: a request without credentials is then told how to send one (401
    # with WWW-Authenticate). Session requests keep DRF's CSRF check; token requests need none.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coach.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "coach.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "coach.api_conventions.OrderingFilter",
    ],
    # Per token, per user (browser sessions) and per address (anyone else), counted in the
    # shared cache; generous by default, lower where an operator wants.
    "DEFAULT_THROTTLE_CLASSES": ["coach.api_conventions.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_RATE_TOKEN", "600/min"),
        "user": os.environ.get("API_RATE_USER", "600/min"),
        "anon": os.environ.get("API_RATE_ANON", "120/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "coach.api_schema.CoachAutoSchema",
    "EXCEPTION_HANDLER": "coach.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Coach API",
    "DESCRIPTION": (
        "Exercises, programs, clients, assignments and logs of one coaching practice.\n\n"
        "Authenticate with a personal access token (`Authorization: Bearer coach_…`, made on "
        "the account page) or, from the site itself, the session cookie with its CSRF token. "
        "A client's token reaches only what the client can; anything outside your practice is "
        "a 404.\n\n"
        'Every error is `{"code", "message", "fields"}` (the `Error` schema): `code` '
        "is for programs, `message` for people, `fields` the messages of each bad input. Lists "
        "are paginated (`page`, 50 rows) unless their operation answers a plain array."
    ),
    "VERSION": "1.0.0",
    # Bodies are documented as JSON, the form encodings being for the browsable API.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "coach.api_schema.add_examples",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("status", "step") get names of their own; the
    # first ones keep the names they were published with.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "programs.models.Assignment.Status",
        "StepEnum": "programs.services.STEP_KINDS",
        "SessionLogStatusEnum": "training.models.SessionLog.Status",
        "StageStepEnum": ["up", "down"],
    },
}

# Celery: JSON only, bounded run time, a task is acknowledged after it ran.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Reminders: the address links in e-mails start with, and the sender's limits.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
REMINDERS_CHUNK_SIZE = 200  # reminders per send task: one SMTP connection, one plan lookup
REMINDERS_SMTP_TIMEOUT = 30  # seconds per exchange with the mail server
REMINDERS_MAX_RETRIES = 5  # a chunk whose mail server fails transiently is retried this often
REMINDERS_RETRY_BACKOFF = 2  # seconds before the first retry, doubling, with jitter
REMINDERS_REQUEUE_AFTER = timedelta(minutes=5)  # pending this long after queuing: queued again
REMINDERS_SENDING_STALE = timedelta(minutes=10)  # "sending" this long: the sender stopped

# Outgoing webhooks. Receivers on loopback, private, link-local or reserved addresses are
# refused unless WEBHOOKS_ALLOW_PRIVATE (development and tests).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", DEBUG)
WEBHOOKS_TIMEOUT = 10  # seconds to connect, and for each read of the answer
WEBHOOKS_MAX_ATTEMPTS = 8  # then the delivery is marked failed
WEBHOOKS_RETRY_BASE = 30  # seconds before the second attempt, doubling, with jitter
WEBHOOKS_RETRY_MAX = 30 * 60  # no wait longer than this (well under the broker's visibility)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

for _folder in (
    VAR_DIR,
    VAR_DIR / "celery" / "queue",
    VAR_DIR / "celery" / "processed",
    STATIC_ROOT,
):
    _folder.mkdir(parents=True, exist_ok=True)
