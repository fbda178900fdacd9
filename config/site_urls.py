"""The site's pages' addresses: signing in and passwords here, each app's own beneath. The
admin's are added in `config.urls`; a request outside the admin is resolved here, and its
page's addresses reversed here, without them (`config.middleware.SiteAddresses`)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from investplan import health
from investplan.password_reset import PasswordResetByWorker
from investplan.signing_in import SignInForm
from reports import front_views

password_urls = [
    path("change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetByWorker),
        name="password_reset",
    ),
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
            template_name="sign_in.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
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
    # For the proxy and monitoring: no sign-in, no council data (investplan/health.py).
    path("healthz", health.healthz, name="healthz"),
]
