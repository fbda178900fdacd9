"""Signing in: too many failed attempts lock a username, and an address, for a while
(django-axes counts them; this module says who is asking and what they are told); and a
signed-in session ends after a working day without a request."""

from __future__ import annotations

import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import SESSION_KEY as SIGNED_IN
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render


class SignInThrottle(AxesStandaloneBackend):
    """Axes' check, for every sign-in a person makes through a page.

    Axes refuses `authenticate()` without a request. Every sign-in page (ours and the
    admin's) passes one, so those are counted and locked; a call without one is code, not
    a visitor (Django's test client `login()`, a shell), and is left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class UsernameInAnyCase(ModelBackend):
    """Django's own check of a username and password, the username matched in any case. An
    account made by invitation is named by its address in lower case (decision 0043), and
    people type the address as their email shows it ("Jo.Bloggs@..."). Where two accounts
    made before differ only in case, only the exact spelling signs in to either."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            spellings = list(
                get_user_model()
                .objects.filter(username__iexact=username)
                .values_list("username", flat=True)[:2]
            )
            if len(spellings) == 1:
                username = spellings[0]
        return super().authenticate(request, username=username, password=password, **kwargs)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying what is true here: a username signs in in any case."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter a correct username and password. The password is case-sensitive; "
            "the username is not."
        ),
    }


def username_counted(request, credentials) -> str | None:
    """The username a failed sign-in counts against, in lower case: a username signs in in any
    case (`UsernameInAnyCase`), so "Fiona" and "FIONA" are tries at one account and share
    one count."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return username.lower() if isinstance(username, str) else username


def client_address(request) -> str:
    """The address a sign-in came from. Behind `TRUSTED_PROXIES` reverse proxies it is the
    one the outermost of them saw, read from the right of X-Forwarded-For (each proxy
    adds the address it was reached from there, so what the visitor wrote on its left is
    ignored); with none, the connection's own address."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def locked_out(request, original_response=None, credentials=None):
    """The sign-in page again, saying why it refuses and for how long (429, not a bare
    403): the same words whether the username or the address is locked, so the page
    tells nobody which usernames exist."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # Unbound: a bound form would check the password again, another failed attempt.
    form = SignInForm(request, initial={"username": request.POST.get("username", "")})
    return render(
        request,
        "sign_in.html",
        {
            "form": form,
            "locked_out": (
                "Too many failed sign-ins for this username or from this address. "
                f"Try again in {minutes} minutes, or ask the IT team who run InvestPlan "
                "for your council to unlock it."
            ),
            "next": request.POST.get("next", request.GET.get("next", "")),
        },
        status=429,
    )


RENEWED_AT = "renewed_at"


class SessionRenewal:
    """Moves a signed-in session's end on to `SESSION_COOKIE_AGE` from now, at most once
    every `SESSION_RENEW_SECONDS`: the session ends that long after the last request, give
    or take those seconds. Saving it on every request (SESSION_SAVE_EVERY_REQUEST) would
    make every page a database write, which costs time and, on SQLite, contends with the
    saves of lines (docs/performance.md, issue 18)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and SIGNED_IN in session:
            now = int(time.time())
            if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_AT] = now  # changed, so saved with a new end
        return response
