from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from investplan.models import Organisation, Plan, Role


@login_required
def home(request):
    plans = Plan.objects.for_user(request.user).select_related("organisation").distinct()
    administered = Organisation.objects.filter(
        memberships__user=request.user, memberships__role=Role.ADMIN
    )
    return render(request, "home.html", {"plans": plans, "administered": administered})
