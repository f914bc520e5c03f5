"""Test settings: a throwaway secret, fast password hashing only where tests ask for it."""

from config.settings.local import *

DEBUG = False
TENANT_APPS = [*TENANT_APPS, "tests.samplemodule"]
INSTALLED_APPS = [*INSTALLED_APPS, "tests.samplemodule"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SPARE_SCHEMAS = 0
# Tests that check throttling set a low rate themselves, from a client address of their own.
SIGNUP_RATE_LIMIT = "10000/hour"
