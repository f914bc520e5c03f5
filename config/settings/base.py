"""Settings shared by every environment. Values come from config.env, never os.environ."""

from config import env as envmod
from config.env import BASE_DIR
from config.settings.database import database_settings

DEBUG = envmod.get("DEBUG")
SECRET_KEY = envmod.get("SECRET_KEY")
ALLOWED_HOSTS = envmod.get("ALLOWED_HOSTS")

PLATFORM_DOMAIN = envmod.get("PLATFORM_DOMAIN")
PLATFORM_SCHEME = envmod.get("PLATFORM_SCHEME")
PLATFORM_PORT = envmod.get("PLATFORM_PORT")
SIGNUP_RATE_LIMIT = envmod.get("SIGNUP_RATE_LIMIT")
TRIAL_DAYS = envmod.get("TRIAL_DAYS")
BILLING_GRACE_DAYS = envmod.get("BILLING_GRACE_DAYS")
TENANT_RETENTION_DAYS = envmod.get("TENANT_RETENTION_DAYS")
SUPPORT_ACCESS_MAX_MINUTES = envmod.get("SUPPORT_ACCESS_MAX_MINUTES")
EXPORTS_ROOT = envmod.get("EXPORTS_ROOT")
SPARE_SCHEMAS = envmod.get("SPARE_SCHEMAS")
TRUSTED_PROXY_COUNT = envmod.get("TRUSTED_PROXY_COUNT")

# --- django-tenants -------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "billing",
    "themes",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    # Operators' two-factor sign-in (public schema only: tenant users never use it).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

TENANT_APPS = [
    # Auth and sessions live in every tenant schema: a login on one portal means nothing on another.
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "guardian",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "django.contrib.sitemaps",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    # wagtail.users, with the plan's agent seats at the user forms' door
    "modules.accounts.users_app.PortalUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "cms",
    "cms.insights",
    "api",
    "modules.kb",
    "modules.faq",
    "modules.video",
    "modules.accounts",
    "modules.forum",
    "modules.ideas",
    "modules.tickets",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# Send `SET search_path` only when the schema changes, not before every cursor.
TENANT_LIMIT_SET_CALLS = True
# The operator console and signup live on the public schema; an unknown host gets a 404 page.
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
DEFAULT_NOT_FOUND_TENANT_VIEW = "tenants.views.unknown_host"

DATABASES = database_settings()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    "tenants.middleware.TenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.support.SupportAccessMiddleware",  # a support session: live and read-only
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.TenantStatusMiddleware",
    "cms.middleware.ModuleSwitchMiddleware",
    "cms.insights.middleware.PageViewMiddleware",  # counts views the page cache answers
    "cms.page_cache.PageCacheMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.platform",
                "cms.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
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
LOGIN_URL = "/admin/login/"
# A page restricted to signed-in customers sends visitors to the customers' sign-in page
# (modules.accounts), not the admin's.
WAGTAIL_FRONTEND_LOGIN_URL = "/account/login/"
WAGTAILADMIN_USER_LOGIN_FORM = "modules.accounts.forms.AdminLoginForm"

# --- cookies: host-only, so a portal's session never reaches another host ---------------------
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
LANGUAGE_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS: list[str] = []  # same-origin only; never a wildcard

# --- i18n ----------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("hr", "Hrvatski"),
    ("zh-hans", "简体中文"),
    ("lt", "Lietuvių"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Pages can be translated (Wagtail's simple translation); each visitor reads the translation in
# their language (cookie from the switcher, else Accept-Language) when the portal has one.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- static and media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = envmod.get("STATIC_ROOT")
MEDIA_URL = "/media/"
MEDIA_ROOT = envmod.get("MEDIA_ROOT")
STORAGES = {
    # Uploaded files go under MEDIA_ROOT/<schema>/ so one tenant's files never mix with another's.
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Wagtail -------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Portal"
WAGTAILADMIN_BASE_URL = f"{PLATFORM_SCHEME}://{PLATFORM_DOMAIN}"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# the plan's storage quota at the upload door (cms.limits, filled by billing)
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.upload_forms.QuotaImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.upload_forms.QuotaDocumentForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Wagtail's PostgreSQL search, with a text search configuration per content language.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "cms.search_backend"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {"format": "%(levelname)s [%(schema_name)s:%(domain_url)s] %(name)s %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "tenant"}
    },
    "root": {"handlers": ["console"], "level": envmod.get("LOG_LEVEL")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}

from config.settings.api import *  # noqa: E402
from config.settings.cache import *  # noqa: E402
from config.settings.celery import *  # noqa: E402
from config.settings.email import *  # noqa: E402
from config.settings.search import *  # noqa: E402
from config.settings.stripe import *  # noqa: E402
