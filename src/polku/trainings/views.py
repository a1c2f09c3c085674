"""Pages of the trainings app: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polku.core.errors import DomainError
from polku.core.web import apply_domain_error, attempt_service
from polku.trainings import permissions, selectors, services
from polku.trainings.certificates import render_certificate_pdf
from polku.trainings.forms import AttendanceForm, CancelEventForm, EventFilterForm, EventForm, FeedbackForm
from polku.trainings.models import Certificate, CourseModule, SelfPacedCourse, TrainingEvent

PAGE_SIZE = 20


def _event_or_404(event_id: int) -> TrainingEvent:
    try:
        return selectors.get_event(event_id=event_id)
    except TrainingEvent.DoesNotExist as missing:
        raise Http404 from missing


def _message_of(error: DomainError) -> str:
    return str(error.message)


@login_required
def event_list(request):
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.list_events(viewer=request.user, area=filters.get("area") or "", kind=filters.get("kind") or "",
                                   upcoming=not filters.get("past"))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trainings/event_list.html", {
        "form": form, "page": page, "can_organise": request.user.has_perm(permissions.ORGANISE)})


@login_required
def event_detail(request, event_id: int):
    event = _event_or_404(event_id)
    enrolment = selectors.get_my_enrolment(viewer=request.user, event=event)
    return render(request, "trainings/event_detail.html", {
        "event": event, "enrolment": enrolment, "feedback_form": FeedbackForm(),
        "can_enrol": permissions.can_enrol(request.user), "can_organise": permissions.can_organise(request.user, event),
        "has_invitation": bool(enrolment and selectors.latest_invitation(viewer=request.user, event=event))})


@login_required
@permission_required(permissions.ENROL, raise_exception=True)
@require_POST
def enrol(request, event_id: int):
    event = _event_or_404(event_id)
    try:
        enrolment = services.enrol(actor=request.user, event=event)
    except DomainError as error:
        messages.error(request, _message_of(error))
    else:
        if enrolment.status == "enrolled":
            messages.success(request, _("You are enrolled. Add the event to your calendar with the link below."))
        else:
            messages.info(request, _("The event is full: you are on the waiting list. You will be told if a place "
                                     "opens up."))
    return redirect("trainings:event_detail", event_id=event.pk)


@login_required
def cancel_enrolment(request, event_id: int):
    event = _event_or_404(event_id)
    if request.method == "POST":
        try:
            services.cancel_enrolment(actor=request.user, event=event)
        except DomainError as error:
            messages.error(request, _message_of(error))
        else:
            messages.success(request, _("Your enrolment is cancelled."))
        return redirect("trainings:event_detail", event_id=event.pk)
    enrolment = selectors.get_my_enrolment(viewer=request.user, event=event)
    return render(request, "trainings/enrolment_cancel.html", {"event": event, "enrolment": enrolment})


@login_required
def invitation_ics(request, event_id: int):
    event = _event_or_404(event_id)
    content = selectors.latest_invitation(viewer=request.user, event=event)
    if not content:
        raise Http404
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="polku-koulutus-{event.pk}.ics"'
    return response


def _pdf_response(request, certificate: Certificate) -> HttpResponse:
    verify_url = request.build_absolute_uri(reverse("trainings:verify_certificate", args=[certificate.code]))
    pdf = render_certificate_pdf(certificate, language=get_language() or "fi", verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="todistus-{certificate.code}.pdf"'
    return response


@login_required
def event_certificate(request, event_id: int):
    event = _event_or_404(event_id)
    try:
        certificate = services.issue_event_certificate(actor=request.user, event=event)
    except DomainError as error:
        messages.error(request, _message_of(error))
        return redirect("trainings:event_detail", event_id=event.pk)
    return _pdf_response(request, certificate)


@login_required
@require_POST
def feedback(request, event_id: int):
    event = _event_or_404(event_id)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.submit_feedback(actor=request.user, event=event, rating=form.cleaned_data["rating"],
                                     comment=form.cleaned_data["comment"])
        except DomainError as error:
            if not error.field:  # not about what was typed (not attended, already given): say so on the event page
                messages.error(request, _message_of(error))
                return redirect("trainings:event_detail", event_id=event.pk)
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("trainings:event_detail", event_id=event.pk)
    enrolment = selectors.get_my_enrolment(viewer=request.user, event=event)
    return render(request, "trainings/event_detail.html", {
        "event": event, "enrolment": enrolment, "feedback_form": form, "can_enrol": permissions.can_enrol(request.user),
        "can_organise": permissions.can_organise(request.user, event), "has_invitation": False}, status=400)


@login_required
def my_trainings(request):
    return render(request, "trainings/my_trainings.html", {
        "enrolments": selectors.list_my_enrolments(viewer=request.user)[:200],
        "certificates": selectors.list_my_certificates(viewer=request.user),
        "courses": selectors.list_courses(viewer=request.user)})


@login_required
@permission_required(permissions.ORGANISE, raise_exception=True)
def event_new(request):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = attempt_service(form, lambda: services.create_event(actor=request.user, data=form.event_data()))
        if event:
            messages.success(request, _("The event is published."))
            return redirect("trainings:event_manage", event_id=event.pk)
    return render(request, "trainings/event_form.html", {"form": form, "event": None})


@login_required
@permission_required(permissions.ORGANISE, raise_exception=True)
def event_edit(request, event_id: int):
    event = _event_or_404(event_id)
    if not permissions.can_organise(request.user, event):
        raise PermissionDenied
    form = EventForm(request.POST or None, initial=EventForm.initial_from(event))
    if request.method == "POST" and form.is_valid() and attempt_service(form, lambda: services.update_event(
            actor=request.user, event=event, data=form.event_data())):
        messages.success(request, _("The event is saved; the participants were told of any change of time or place."))
        return redirect("trainings:event_manage", event_id=event.pk)
    return render(request, "trainings/event_form.html", {"form": form, "event": event})


@login_required
@permission_required(permissions.ORGANISE, raise_exception=True)
def event_manage(request, event_id: int):
    event = _event_or_404(event_id)
    if not permissions.can_organise(request.user, event):
        raise PermissionDenied
    participants = selectors.get_participants(viewer=request.user, event=event)
    form = AttendanceForm(request.POST or None, enrolments=participants.enrolled)
    if request.method == "POST" and form.is_valid():
        marked = attempt_service(form, lambda: services.mark_attendance(
            actor=request.user, event=event, attended_user_ids=form.attended_ids()))
        if marked is not None:
            messages.success(request, ngettext("Attendance is saved: %(count)s person attended.",
                                               "Attendance is saved: %(count)s people attended.", marked)
                             % {"count": marked})
            return redirect("trainings:event_manage", event_id=event.pk)
    return render(request, "trainings/event_manage.html", {
        "event": event, "participants": participants, "form": form})


@login_required
@permission_required(permissions.ORGANISE, raise_exception=True)
def event_cancel(request, event_id: int):
    event = _event_or_404(event_id)
    if not permissions.can_organise(request.user, event):
        raise PermissionDenied
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt_service(form, lambda: services.cancel_event(
            actor=request.user, event=event, reason=form.cleaned_data["reason"])):
        messages.success(request, _("The event is cancelled and every participant is told."))
        return redirect("trainings:event_manage", event_id=event.pk)
    return render(request, "trainings/event_cancel.html", {"event": event, "form": form})


@login_required
def course_list(request):
    return render(request, "trainings/course_list.html", {"courses": selectors.list_courses(viewer=request.user)})


@login_required
def course_detail(request, slug: str):
    try:
        progress = selectors.get_course_progress(viewer=request.user, slug=slug)
    except SelfPacedCourse.DoesNotExist as missing:
        raise Http404 from missing
    if request.method == "POST":
        module = get_object_or_404(CourseModule, course=progress.course, pk=request.POST.get("module") or 0)
        try:
            services.complete_module(actor=request.user, module=module)
        except DomainError as error:
            messages.error(request, _message_of(error))
        return redirect(reverse("trainings:course_detail", args=[slug]) + f"#module-{module.position}")
    return render(request, "trainings/course_detail.html", {"progress": progress})


@login_required
def course_certificate(request, slug: str):
    try:
        progress = selectors.get_course_progress(viewer=request.user, slug=slug)
        certificate = services.issue_course_certificate(actor=request.user, course=progress.course)
    except SelfPacedCourse.DoesNotExist as missing:
        raise Http404 from missing
    except DomainError as error:
        messages.error(request, _message_of(error))
        return redirect("trainings:course_detail", slug=slug)
    return _pdf_response(request, certificate)


def verify_certificate(request, code: str):
    """Anyone holding a certificate's code may check it: the name, training, date, hours and organiser only."""
    certificate = Certificate.objects.filter(code=code.strip().upper()).first()
    return render(request, "trainings/certificate_verify.html", {"certificate": certificate, "code": code},
                  status=200 if certificate else 404)
