"""The site's own middleware, beside its URLconfs."""

from django.conf import settings

# Every address of the admin's starts so (`config.urls`).
ADMIN_PREFIX = "/admin"


class SiteAddresses:
    """Resolves a request outside the admin, and reverses its page's addresses, by the
    site's addresses alone (`SITE_URLCONF`), not the admin's 155 (every model's list,
    add, change, delete and history pages), which Django would otherwise read, every one,
    before the process's first page reversed its first address. None of the admin's
    starts but with /admin, so every request is resolved to the view it was before; a
    request under /admin keeps `ROOT_URLCONF`, which has both."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(ADMIN_PREFIX):
            request.urlconf = settings.SITE_URLCONF
        return self.get_response(request)
