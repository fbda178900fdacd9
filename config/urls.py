"""The site's addresses: signing in, passwords and the admin here, each app's own beneath."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from investplan import health
from reports import front_views

password_urls = [
    path("change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="sign_in.html", redirect_authenticated_user=True
        ),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    # Password change and reset: Django's own views and names, the site's templates.
    path("password/", include(password_urls)),
    path("", front_views.home, name="home"),
    path("plans/", include("reports.urls")),
    path("", include("investplan.urls")),
    path("", include("posts.urls")),
    path("", include("funding.urls")),
    path("admin/", admin.site.urls),
    # For the proxy and monitoring: no sign-in, no council data (investplan/health.py).
    path("healthz", health.healthz, name="healthz"),
]
