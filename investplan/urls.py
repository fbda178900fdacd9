from django.urls import path

from investplan import views

urlpatterns = [
    path("plans/<slug:plan_slug>/details/", views.plan_details, name="plan-details"),
    path("plans/<slug:plan_slug>/archive/", views.plan_archive, name="plan-archive"),
    path("switch-organisation/", views.switch_organisation, name="switch-organisation"),
    path("plans/<slug:plan_slug>/assumptions/", views.assumptions, name="assumptions"),
    path("plans/<slug:plan_slug>/status/", views.plan_status, name="plan-status"),
    path("organisations/<slug:organisation_slug>/plans/new/", views.plan_new, name="plan-new"),
    path(
        "organisations/<slug:organisation_slug>/plans/archived/",
        views.plans_archived,
        name="plans-archived",
    ),
    path("organisations/<slug:organisation_slug>/findings/", views.findings, name="findings"),
    path(
        "organisations/<slug:organisation_slug>/findings/<int:inspection_id>/",
        views.findings,
        name="inspection",
    ),
    path("organisations/<slug:organisation_slug>/reference/", views.reference, name="reference"),
    path("organisations/<slug:organisation_slug>/users/", views.users, name="users"),
    path(
        "organisations/<slug:organisation_slug>/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path(
        "organisations/<slug:organisation_slug>/users/<int:membership_id>/",
        views.membership,
        name="membership",
    ),
]
