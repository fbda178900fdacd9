"""A request outside the admin is resolved by the site's addresses alone
(`config.middleware.SiteAddresses`), and that resolves every path as the whole URLconf
does: the only addresses left out are the admin's, under /admin."""

from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from config.middleware import ADMIN_PREFIX, SiteAddresses


def _routes(patterns, prefix="") -> set[str]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.add("/" + prefix + str(pattern.pattern))
    return found


def _urlconf_of(path: str):
    seen = []
    SiteAddresses(lambda request: seen.append(getattr(request, "urlconf", None)))(
        RequestFactory().get(path)
    )
    return seen[0]


def test_it_resolves_a_page_outside_the_admin_by_the_sites_addresses():
    assert _urlconf_of("/plans/some-plan/lines/") == "config.site_urls"


def test_it_resolves_a_page_of_the_admin_by_every_address():
    assert _urlconf_of("/admin/posts/planline/") is None


def test_it_leaves_out_of_the_sites_addresses_only_the_admins():
    every = _routes(get_resolver("config.urls").url_patterns)
    site = _routes(get_resolver("config.site_urls").url_patterns)

    left_out = every - site

    assert site <= every
    assert left_out
    assert all(route.startswith(ADMIN_PREFIX + "/") for route in left_out)
