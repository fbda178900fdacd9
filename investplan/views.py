from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from investplan.models import Plan


@login_required
def home(request):
    plans = Plan.objects.for_user(request.user).select_related("organisation").distinct()
    return render(request, "home.html", {"plans": plans})
