"""The interpreter's own assignments: see them, accept or decline."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from polku.interpreting import selectors
from polku.interpreting.forms import AnswerForm
from polku.interpreting.services.dispatch import respond_to_assignment
from polku.interpreting.views import guarded, run_service


@guarded("core.interpret")
def my_assignments(request):
    rows = selectors.list_my_assignments(viewer=request.user)
    return render(request, "interpreting/my_assignments.html", {"rows": rows, "form": AnswerForm()})


@guarded("core.interpret")
def answer(request, booking_id: int):
    booking = selectors.get_assignment(viewer=request.user, booking_id=booking_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: respond_to_assignment(
            actor=request.user, booking=booking, **form.cleaned_data)):
        messages.success(request, _("Thank you, your answer is recorded."))
        return redirect("interpreting:my_assignments")
    return render(request, "interpreting/answer.html", {"booking": booking, "form": form})
