"""System checks of the installation's settings (`manage.py check --deploy`, and one that every
command runs)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_proxy_addresses(app_configs, **kwargs):
    """Behind a proxy that says a request came over HTTPS, the connection's address is the
    proxy's: with no proxy trusted, every visitor would share it, and ten failed sign-ins
    by anyone would lock everyone out."""
    if settings.SECURE_PROXY_SSL_HEADER and not settings.TRUSTED_PROXIES:
        return [
            checks.Warning(
                "DJANGO_SECURE_PROXY_SSL_HEADER is set but DJANGO_TRUSTED_PROXIES is 0: the "
                "sign-in lock-out would count the proxy's address for every visitor.",
                hint="Set DJANGO_TRUSTED_PROXIES to the number of proxies in front (usually 1).",
                id="investplan.W001",
            )
        ]
    return []


@checks.register(checks.Tags.database)
def check_database_named(app_configs, **kwargs):
    """With DEBUG off (a server) and no DATABASE_URL, a command such as `createsuperuser`
    works on the SQLite file beside the code and fails on its missing tables, or, after a
    `migrate`, quietly fills a database nobody serves from."""
    if settings.DEBUG or settings.DATABASE_NAMED:
        return []
    return [
        checks.Warning(
            "DATABASE_URL is not set, so this works on the SQLite file "
            f"{settings.DATABASES['default']['NAME']}, not on the server's database.",
            hint="Run it with the environment the server runs with (DATABASE_URL and the "
            "DJANGO_ settings), e.g. from the same environment file.",
            id="investplan.W002",
        )
    ]
