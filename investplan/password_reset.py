"""A forgotten password's reset link, emailed by the task worker rather than in the request.

Sent in the request, the page answered when the mail server did: in milliseconds for an
address no account has, in seconds (10 with a silent relay) for one that has, which told
anyone who asked whether an address has an account. Now every answer only records a task,
and the link is made by the worker: the task holds the account's id, never its token, so
a copy of the database opens no reset link."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

SUBJECT = "registration/password_reset_subject.txt"
BODY = "registration/password_reset_email.html"


class PasswordResetByWorker(PasswordResetForm):
    """Django's form, its email handed to the worker (`send_reset_link`)."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        account, domain, site_name = context["user"].pk, context["domain"], context["site_name"]
        https = context["protocol"] == "https"
        transaction.on_commit(lambda: send_reset_link.enqueue(account, domain, site_name, https))


@task()
def send_reset_link(account_id: int, domain: str, site_name: str, https: bool) -> None:
    """Email the account its reset link, made now (a link works for a day from here, and
    only while the password is unchanged). Nothing is sent to an account closed since."""
    account = get_user_model()._default_manager.filter(pk=account_id, is_active=True).first()
    if account is None or not account.has_usable_password() or not account.email:
        return
    context = {
        "email": account.email,
        "domain": domain,
        "site_name": site_name,
        "uid": urlsafe_base64_encode(force_bytes(account.pk)),
        "user": account,
        "token": default_token_generator.make_token(account),
        "protocol": "https" if https else "http",
    }
    # Django's own sending (and its log line when the mail server fails).
    PasswordResetForm().send_mail(SUBJECT, BODY, context, None, account.email)
