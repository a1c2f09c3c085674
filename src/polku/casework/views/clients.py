"""Views for clients, the care team and the team lead's assignment page."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.urls import path

app_name = "casework"


@login_required
@permission_required("core.work_with_clients", raise_exception=True)
def my_clients(request):
    return render(request, "casework/my_clients.html", {})


@login_required
@permission_required("core.assign_clients", raise_exception=True)
def team(request):
    return render(request, "casework/team.html", {})


urlpatterns = [
    path("", my_clients, name="my_clients"),
    path("tiimi/", team, name="team"),
]
