"""Two finance officers save the same line at the same moment (issue 18, item 6): one save
goes through and the other is told who changed what (409), on SQLite as on PostgreSQL;
neither gets "database is locked" (500)."""

import contextlib
import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from investplan.models import Role
from posts import services
from posts.models import PlanLine
from posts.services import line_version
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 3  # seconds one save waits for the other inside its transaction


def saving_at_once():
    """`_would_change` held until both saves have read the line (or WAIT has passed, when
    the database lets only one transaction in at a time), so the two overlap every time."""
    both_read = threading.Barrier(2, timeout=WAIT)
    compare = services._would_change

    def held(*args, **kwargs):
        # Broken after WAIT: the other save waits to begin until this one ends.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return compare(*args, **kwargs)

    return mock.patch.object(services, "_would_change", held)


def test_it_saves_one_of_two_saves_at_once_and_refuses_the_other_as_changed():
    plan = PlanFactory(first_year=2025, last_year=2026)
    line = PlanLineFactory(plan=plan, start_date="2025-04-01", fte=Decimal("1"))
    address = reverse("posts:line-in-place", args=[plan.slug, line.pk])
    version = line_version(line)
    answers = {}

    def save(user, fte):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        ready.wait()
        try:
            answers[fte] = client.post(
                address,
                {"title": line.title, "fte": fte, "start_date": "2025-04-01", "version": version},
                HTTP_HX_REQUEST="true",
            )
        finally:
            connections.close_all()

    fiona, priya = (
        MembershipFactory(
            organisation=plan.organisation, role=Role.FINANCE_OFFICER, user__username=name
        ).user
        for name in ("fiona", "priya")
    )
    ready = threading.Barrier(2)
    savers = [
        threading.Thread(target=save, args=(fiona, "2")),
        threading.Thread(target=save, args=(priya, "3")),
    ]
    with saving_at_once():
        for saver in savers:
            saver.start()
        for saver in savers:
            saver.join()

    codes = sorted(answer.status_code for answer in answers.values())
    saved_fte = PlanLine.objects.get(pk=line.pk).fte
    refused = answers["3" if saved_fte == Decimal("2") else "2"].content.decode()
    assert codes == [200, 409]
    assert saved_fte in {Decimal("2"), Decimal("3")}
    assert "changed this line" in refused
    assert "Nothing of yours was saved" in refused
