"""Django settings for kamkit; every value a deployment changes comes from a KAMKIT_* variable."""

from __future__ import annotations

import os
from pathlib import Path

from kamkit.config import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.secret_key(DATA_DIR)
DEBUG = env.env_bool("KAMKIT_DEBUG", False)
ALLOWED_HOSTS = env.env_list("KAMKIT_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.env_list("KAMKIT_CSRF_TRUSTED_ORIGINS", [])
KAMKIT_BEHIND_TLS_PROXY = env.env_bool("KAMKIT_BEHIND_TLS_PROXY", False)
if KAMKIT_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Browsers that saw kamkit over HTTPS refuse plain HTTP to it for this long (0 turns it off).
    SECURE_HSTS_SECONDS = env.env_int("KAMKIT_HSTS_SECONDS", 365 * 24 * 3600)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "kamkit.core",
    "kamkit.users",
    "kamkit.frameworks",
    "kamkit.assessments",
    "kamkit.accounts",
    "kamkit.portfolio",
    "kamkit.plans",
    "kamkit.hiring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kamkit.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kamkit.core.middleware.AuditActorMiddleware",
]

ROOT_URLCONF = "kamkit.config.urls"
WSGI_APPLICATION = "kamkit.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kamkit.core.context_processors.navigation",
            ],
            "builtins": ["kamkit.core.templatetags.kamkit_ui"],
        },
    }
]

_database = env.database(DATA_DIR)
DATABASES = {"default": _database.settings}
KAMKIT_DATABASE_DESCRIPTION = _database.url_for_messages
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["kamkit.users.auth.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login rate limit: this many failures per e-mail address or per client address in the window.
KAMKIT_LOGIN_MAX_FAILURES = env.env_int("KAMKIT_LOGIN_MAX_FAILURES", 5)
KAMKIT_LOGIN_WINDOW_SECONDS = env.env_int("KAMKIT_LOGIN_WINDOW_SECONDS", 900)
# Accounts: an account profile section not reviewed for this many days is shown as stale; key
# people at a customer not contacted for this many days are flagged on the decision-maker map.
KAMKIT_PROFILE_STALE_DAYS = env.env_int("KAMKIT_PROFILE_STALE_DAYS", 180)
KAMKIT_CONTACT_STALE_DAYS = env.env_int("KAMKIT_CONTACT_STALE_DAYS", 60)
# Plans: a revenue objective whose target is above this many times the account's won revenue of the
# last 12 months must be confirmed as realistic; a plan not reviewed for this many days loses points.
KAMKIT_PLAN_REALISM_FACTOR = env.env_positive_number("KAMKIT_PLAN_REALISM_FACTOR", 1.5)
KAMKIT_PLAN_REVIEW_DAYS = env.env_int("KAMKIT_PLAN_REVIEW_DAYS", 90)
# Assessments: peer, direct-report and customer answers are shown only as a group mean, and only
# when at least this many raters answered; self and others differing by more than the gap (0-100
# points) is a blind spot or a hidden strength.
KAMKIT_ANONYMITY_MIN = max(2, env.env_int("KAMKIT_ANONYMITY_MIN", 3))
KAMKIT_BLIND_SPOT_GAP = env.env_int("KAMKIT_BLIND_SPOT_GAP", 15)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.env_time_zone("KAMKIT_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# WhiteNoise serves straight from the package's static folders, so no collect step is needed.
WHITENOISE_USE_FINDERS = True
# Uploaded files (candidates' CVs) are served only through permission-checked views, never as media URLs.
_media_root = os.environ.get("KAMKIT_MEDIA_ROOT", "").strip()
MEDIA_ROOT = Path(_media_root).expanduser() if _media_root else DATA_DIR / "media"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Daily jobs that `kamkit worker` queues at a local time (TIME_ZONE); each variable may say "off".
# Several workers queue a job once a day between them (core.schedule keeps the last day per job).
KAMKIT_SCHEDULE = {
    name: {"task": task_path, "at": at}
    for name, task_path, at in (
        (
            "plans-digest",
            "kamkit.plans.tasks.send_daily_digests",
            env.env_time_of_day("KAMKIT_PLANS_DIGEST_AT", "07:00"),
        ),
        (
            "assessment-reminders",
            "kamkit.assessments.tasks.send_reminders",
            env.env_time_of_day("KAMKIT_ASSESSMENT_REMINDERS_AT", "09:00"),
        ),
        (
            "scorecard-reminders",
            "kamkit.hiring.tasks.send_scorecard_reminders",
            env.env_time_of_day("KAMKIT_SCORECARD_REMINDERS_AT", "09:30"),
        ),
    )
    if at is not None
}

if os.environ.get("KAMKIT_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["KAMKIT_EMAIL_HOST"],
                "port": env.env_int("KAMKIT_EMAIL_PORT", 587),
                "username": os.environ.get("KAMKIT_EMAIL_USER", ""),
                "password": os.environ.get("KAMKIT_EMAIL_PASSWORD", ""),
                "use_tls": env.env_bool("KAMKIT_EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    # Without a mail server, outgoing mail lands as files in the data folder.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }
# The address people use to reach kamkit, for links in e-mails sent by background tasks.
KAMKIT_BASE_URL = os.environ.get("KAMKIT_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("KAMKIT_EMAIL_FROM", "kamkit <kamkit@localhost>")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.env_log_level("KAMKIT_LOG_LEVEL", "WARNING")},
}
