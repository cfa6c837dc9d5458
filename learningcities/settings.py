"""Settings for the Learning Cities site, read from the environment.

Every variable is documented in `.env.example`. Defaults are safe for production:
debug is off and a secret key must be given unless debug is turned on.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import html_tags, process_link
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Values already in the environment win over the file, which is read only if it exists.
environ.Env.read_env(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment or in .env "
            "(see .env.example), or set DJANGO_DEBUG=on for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)

INSTALLED_APPS = [
    # Before the admin, so that its admin classes and translated fields are in place.
    "modeltranslation",
    # Django's admin, on the site that asks staff for a second factor (learningcities.two_factor).
    "learningcities.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    # Two-factor login for staff: authenticator apps (TOTP) and recovery codes (static tokens).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    # The rich-text editor's static files (cities.rich_text).
    "django_prose_editor",
    "django.contrib.sitemaps",
    # Background work (docs/background-tasks.md): Django's Tasks API, backported to 5.2, and its
    # backend that keeps tasks in the database.
    "django_tasks",
    "django_tasks_db",
    # The editorial engine (drafts, review, scheduling, history), which content apps plug into.
    "learningcities.editorial",
    # Django's form templates, for the form renderer below.
    "django.forms",
    "cities",
    # The project's infrastructure, installed for its commands: backup, restore,
    # remove_orphaned_media.
    "learningcities",
]

MIDDLEWARE = [
    # First, before anything reads request.POST (CSRF, the page cache): refuses posts outside
    # the admin and bodies over MAX_REQUEST_BODY unread.
    "learningcities.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Answers anonymous visitors from the page cache before any middleware below it runs;
    # the stored pages keep the headers those middleware added.
    "cities.page_cache.PublicPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "learningcities.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed by the app, so a single machine needs no proxy for it; CSRF tokens
    # are masked per response, which defeats BREACH-style guessing.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Tells whether the logged-in person gave their second factor (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Staff who have not given it are visitors outside the admin's log-in steps.
    "learningcities.two_factor.VerifiedStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns a locked-out login into the lockout page; django-axes wants it last, after it
    # only the database-error handler, which must see a view's exception first.
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a view's database error before any other middleware does.
    "learningcities.middleware.DatabaseUnavailableMiddleware",
]

# django-axes checks every login first; without a request (scripts, the test client's
# login()) there is no address to lock out, so learningcities.auth lets those through to
# Django.
AUTHENTICATION_BACKENDS = [
    "learningcities.auth.LoginProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "learningcities.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Form widgets are drawn with the templates above, so that templates/ may override one of
# Django's (the admin's date and time inputs get labels: templates/admin/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "learningcities.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: opening one per request costs more than most pages' queries.
# Checked before reuse, so that a restarted database is found again without a restart.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Seconds a save waits for another one to finish before the editor is told to try again
# (below gunicorn's 30 s worker timeout, which would lose the form).
DATABASE_LOCK_TIMEOUT = env.int("DATABASE_LOCK_TIMEOUT", default=20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails fast instead of holding every worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", f"-c lock_timeout={DATABASE_LOCK_TIMEOUT * 1000}"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Saves at the same moment queue for SQLite's one writer instead of failing "database is
    # locked" (README "Deployment"): write-ahead logging, so readers and the writer never block
    # each other; transactions that take the write lock when they begin, so two never both read
    # and then both ask to write, which SQLite settles by refusing one; a busy timeout to wait
    # in line. synchronous=FULL: an acknowledged save survives a power cut, not only a crash.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": DATABASE_LOCK_TIMEOUT,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "learningcities.redis_cache.RedisCache"  # Django's, made leaner
    # A dead Redis must not hang requests: fail within a second.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin sessions end after this many seconds without a request (default: 2 hours).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True

# Login protection (django-axes): after this many failed logins for one username from one
# address, further attempts are refused for the cool-off time (in minutes).
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the visitor's even behind the TLS proxy: how many proxies in front to trust
# for X-Forwarded-For (0: none, the connection's own address).
TRUSTED_PROXIES = env.int("DJANGO_TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "learningcities.auth.client_ip_address"
# Failures during a lockout are not counted, so an attacker cannot prolong the owner's lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Staff log in with a code from an authenticator app after their password (learningcities/
# two_factor.py); on by default unless debug is on. Wrong codes count towards the lockout above.
REQUIRE_2FA = env.bool("DJANGO_REQUIRE_2FA", default=not DEBUG)
# The name authenticator apps show next to the username.
OTP_TOTP_ISSUER = "Learning Cities"
# Recovery codes hold 80 random bits and wrong ones count towards the lockout: no need to
# also make a person wait after mistyping one (django-otp's throttling stays on for app codes).
OTP_STATIC_THROTTLE_FACTOR = 0
# Nobody, superusers included, reads another person's authenticator secret or its QR code in
# the admin: whoever has it can make that person's codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The format of backups (learningcities/backup.py): Django's JSON with datetimes whole.
SERIALIZATION_MODULES = {"exact_json": "learningcities.exact_json"}

# Spanish first: it is the default language, served at /es/, and English at /en/.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
# A text missing in one language is shown in the other (with a note saying so).
MODELTRANSLATION_FALLBACK_LANGUAGES = ("es", "en")
# The project's date formats (learningcities/formats/): English times on the 24-hour clock.
FORMAT_MODULE_PATH = ["learningcities.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Guayaquil"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Media go to S3-compatible object storage when a bucket is given, else to MEDIA_ROOT.
# Both backends delete the files of a failed save (see learningcities/storage.py).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="")
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
    MEDIA_STORAGE = {
        "BACKEND": "learningcities.storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN or None,
            "file_overwrite": False,
            # Public photos: plain URLs a CDN can cache, not expiring signed ones.
            "querystring_auth": False,
        },
    }
    # Where the browser fetches photos from (the CDN, or the object storage itself).
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS = [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    elif AWS_S3_ENDPOINT_URL:
        MEDIA_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(AWS_S3_ENDPOINT_URL))]
    else:
        MEDIA_ORIGINS = ["https://*.amazonaws.com"]
else:
    MEDIA_STORAGE = {"BACKEND": "learningcities.storage.MediaStorage"}
    MEDIA_ORIGINS = []
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_in_one_line": {"()": "learningcities.log.RefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusals_in_one_line"]}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Mail (review notifications, cities/notifications.py): printed to the console in development;
# without debug, the machine's own mail server unless EMAIL_URL names another. Mails wait in
# the database until the server takes them, so a short timeout loses none.
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://127.0.0.1:25")
)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=5)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# The site's address, for the links in notification mail: mail is written by the background
# worker too, where no request tells the host (as Wagtail's WAGTAILADMIN_BASE_URL).
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Background work: scheduled publication and mail (cities/tasks.py, docs/background-tasks.md).
# By default the tasks wait in the database, for `manage.py db_worker`, which `make run` and
# `make serve` start; another backend (Redis, Celery, …) is a matter of this setting alone.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
# /healthz reports the disk as low (status "degraded") below this many megabytes free.
HEALTH_MIN_FREE_DISK_MB = env.int("DJANGO_HEALTH_MIN_FREE_DISK_MB", default=1024)
# Seconds the front of `make serve` (nginx) keeps a public page for anonymous visitors
# (X-Accel-Expires): a change shows through the front after at most this long.
FRONT_CACHE_SECONDS = env.int("FRONT_CACHE_SECONDS", default=1)
# The rest of the front's configuration (`manage.py serve`, templates/front/nginx.conf).
# Where it listens (default 127.0.0.1:$PORT) and, when it ends TLS itself, the operator's
# certificate and key, and an address answered with a redirect to HTTPS (e.g. 0.0.0.0:80).
FRONT_LISTEN = env.str("FRONT_LISTEN", default="")
FRONT_TLS_CERTIFICATE = env.str("FRONT_TLS_CERTIFICATE", default="")
FRONT_TLS_CERTIFICATE_KEY = env.str("FRONT_TLS_CERTIFICATE_KEY", default="")
FRONT_HTTP_REDIRECT_LISTEN = env.str("FRONT_HTTP_REDIRECT_LISTEN", default="")
# The app servers behind it (host:port, comma-separated); default: this machine's gunicorn.
FRONT_APP_SERVERS = env.list("FRONT_APP_SERVERS", default=[])
# Load balancers in front of it whose X-Forwarded-For and X-Forwarded-Proto it trusts.
FRONT_TRUSTED_PROXIES = env.list("FRONT_TRUSTED_PROXIES", default=[])
# How long a cached page is kept to be served while the app fails (minutes), and the most
# disk the cached pages take (megabytes).
FRONT_CACHE_KEEP_MINUTES = env.int("FRONT_CACHE_KEEP_MINUTES", default=60)
FRONT_CACHE_MAX_SIZE_MB = env.int("FRONT_CACHE_MAX_SIZE_MB", default=1024)
# Per visitor address: searches per second, logins posted per minute (bursts of twice that).
FRONT_SEARCH_RATE = env.int("FRONT_SEARCH_RATE", default=5)
FRONT_LOGIN_RATE = env.int("FRONT_LOGIN_RATE", default=10)
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=not AWS_STORAGE_BUCKET_NAME)
MEDIA_MAX_AGE = env.int("DJANGO_MEDIA_MAX_AGE", default=60 * 60 * 24 * 365)

# Photo uploads, checked and processed by cities/images.py.
PHOTO_MAX_UPLOAD_SIZE = env.int("PHOTO_MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)  # bytes
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=40_000_000)
PHOTO_MIN_SIDE = env.int("PHOTO_MIN_SIDE", default=400)  # pixels, width and height
PHOTO_RENDITION_WIDTHS = env.list("PHOTO_RENDITION_WIDTHS", cast=int, default=[480, 960, 1600])
# How long a photo kept from a refused form waits for its uploader (cities/kept_uploads.py).
KEPT_UPLOAD_MAX_AGE_HOURS = env.int("KEPT_UPLOAD_MAX_AGE_HOURS", default=24)
# Largest request body (bytes) the admin's photo addresses accept: a city form with five
# full-size photos. Every other admin form (the login too) takes at most MAX_FORM_BODY.
MAX_REQUEST_BODY = env.int("DJANGO_MAX_REQUEST_BODY", default=5 * PHOTO_MAX_UPLOAD_SIZE)
MAX_FORM_BODY = env.int("DJANGO_MAX_FORM_BODY", default=2 * 1024 * 1024)
# Small uploads stay in memory; larger ones go to a temporary file capped at the size limit.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "cities.images.SizeLimitedUploadHandler",
]

# Security. Every default is the safe one; README "Deployment" explains the proxy settings.
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the app servers over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing the site shows needs these browser features.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# No inline or third-party script or style anywhere. The one exception is the rich-text
# editor's import map in the admin, an inline <script> that carries the request's nonce; the
# nonce is in the header only of pages that read it (the public pages never do).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# The rich-text editor (cities.rich_text): the site's own extensions, and a toolbar of plain
# buttons (the editor's drop-down menu cannot be opened from the keyboard).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("cities/admin/rich-text.js")],
        "extensions": {"SiteLink": process_link, "ToolbarLabels": html_tags([])},
    }
]
DJANGO_PROSE_EDITOR_MENU_GROUPS = [
    {"group": "blockType -lists"},
    {"group": "lists"},
    {"group": "nodes -blockType -lists"},
    {"group": "marks"},
    {"group": "link"},
    {"group": "history"},
]
# /.well-known/security.txt: where to report a vulnerability.
SECURITY_CONTACT = env.str("DJANGO_SECURITY_CONTACT", default="mailto:security@example.org")
