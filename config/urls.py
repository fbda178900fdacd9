"""The site's addresses: sign-in and the admin here, each app's own beneath."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from investplan import health

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="sign_in.html", redirect_authenticated_user=True
        ),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("plans/", include("reports.urls")),
    path("", include("investplan.urls")),
    path("", include("posts.urls")),
    path("", include("funding.urls")),
    path("admin/", admin.site.urls),
    # For the proxy and monitoring: no sign-in, no council data (investplan/health.py).
    path("healthz", health.healthz, name="healthz"),
]
