"""An import into a plan address another council uses says nothing of that council: the
address behaves as if free, and the new plan is this council's (issue 18)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investplan.models import Plan, Role
from posts.models import PlanLine
from tests.factories import MembershipFactory, PlanFactory
from tests.posts.appendix_files import WEST_BERKSHIRE, workbook_bytes

pytestmark = pytest.mark.django_db


def test_it_imports_into_a_new_plan_of_this_council_when_the_address_is_used_elsewhere(client):
    theirs = PlanFactory(slug="getting-to-good", name="Their plan")
    admin = MembershipFactory(role=Role.ADMIN)
    client.force_login(admin.user)
    slug = admin.organisation.slug

    uploaded = client.post(
        reverse("posts:imports", args=[slug]),
        {
            "file": SimpleUploadedFile("gtg.xlsx", workbook_bytes(WEST_BERKSHIRE)),
            "plan": "getting-to-good",
            "sheet": "",
        },
    )
    preview = client.get(uploaded["Location"])
    preview_id = int(uploaded["Location"].rstrip("/").split("/")[-1])
    client.post(reverse("posts:import-commit", args=[slug, preview_id]))

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "another council" not in page
    assert theirs.organisation.name not in page
    assert "a new plan" in page
    ours = Plan.objects.get(organisation=admin.organisation)
    assert ours.slug == "getting-to-good-2"
    assert f"<code>{ours.slug}</code>" in page  # the address it will have, said before
    assert PlanLine.objects.filter(plan=ours).count() == 3
    assert not PlanLine.objects.filter(plan=theirs).exists()
