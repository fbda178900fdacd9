"""Settings for the test suite: the app's own settings with a fixed test-only key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-deployment")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    # A test database in a file, not in memory: with an in-memory database Django shares
    # one connection among the live server's threads, so two requests at once (a cost
    # preview and a save) would run inside each other's transactions, which no real
    # deployment does.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"investplan-tests-{os.getpid()}.sqlite3")
    }

# Static files found in the apps, as runserver does: the suite runs with DEBUG off but
# without `collectstatic`, which the manifest storage of production needs.
# whitenoise finds them there too (there is no STATIC_ROOT to scan).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
