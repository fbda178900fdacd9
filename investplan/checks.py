"""System checks of the installation's settings (`manage.py check --deploy`)."""

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
