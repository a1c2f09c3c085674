"""Views for the notes slice of client work, and the worker's documentation to-do list."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polku.casework import extensions
from polku.casework.forms.notes import CorrectNoteForm, NoteForm, SignNoteForm, topic_labels
from polku.casework.models import Client, Note, NoteStatus
from polku.casework.quality import quality_items_for_client, todo_for_worker
from polku.casework.selectors import get_client
from polku.casework.selectors.meetings import list_meetings
from polku.casework.selectors.notes import get_note, get_note_thread, list_client_notes, list_note_threads
from polku.casework.services import notes as services
from polku.casework.views.meetings import client_view, run_service
from polku.core.errors import AccessDenied, Conflict, DomainError
from polku.core.models import User


def _form_page(request, client: Client, form: NoteForm | None, mode: str, note: Note | None = None, **extra):
    return render(request, "casework/note_form.html",
                  {"client": client, "form": form, "mode": mode, "note": note, **extra})


@client_view
def note_list(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    return render(request, "casework/note_list.html",
                  {"client": client, **section_context(viewer=request.user, client=client)})


@client_view
def note_new(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    form = NoteForm(request.POST or None, meetings=list_meetings(viewer=request.user, client=client),
                    initial={"meeting": request.GET.get("tapaaminen")})
    if request.method == "POST" and form.is_valid() and (note := run_service(form, lambda: services.create_note(
            actor=request.user, client=client, meeting=form.cleaned_data["meeting"], **form.note_kwargs()))):
        messages.success(request, _("The draft note is saved."))
        return redirect("casework:note_detail", client_id=client.pk, note_id=note.pk)
    return _form_page(request, client, form, "new")


@client_view
def note_detail(request, client_id: int, note_id: int):
    note = get_note(viewer=request.user, client_id=client_id, note_id=note_id)
    return render(request, "casework/note_detail.html", {
        "client": note.client, "note": note, "thread": get_note_thread(viewer=request.user, note=note),
        "sign_form": SignNoteForm(initial={"version": note.version}), "signed": NoteStatus.SIGNED,
        "topic_labels": topic_labels(note.topics)})


def _save_draft(request, form: NoteForm, note: Note) -> tuple[Note | None, dict]:
    """Save a draft; on a conflict keep the writer's text and show what the other person saved."""
    try:
        return services.update_draft_note(actor=request.user, note=note, expected_version=form.cleaned_data[
            "version"] or 0, **form.note_kwargs()), {}
    except Conflict as conflict:
        saved = get_note(viewer=request.user, client_id=note.client_id, note_id=note.pk)
        form.add_error(None, str(conflict.message))
        form.rebase(saved.version)
        return None, {"saved": saved, "saved_topics": topic_labels(saved.topics)}
    except AccessDenied:
        raise
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return None, {"refused": error.code == "note_signed"}


@client_view
def note_edit(request, client_id: int, note_id: int):
    note = get_note(viewer=request.user, client_id=client_id, note_id=note_id)
    if note.status == NoteStatus.SIGNED:
        return _form_page(request, note.client, None, "edit", note, refused=True)
    form, extra = NoteForm(request.POST or None, initial=NoteForm.initial_from(note)), {}
    if request.method == "POST" and form.is_valid():
        saved, extra = _save_draft(request, form, note)
        if saved is not None:
            messages.success(request, _("The draft note is saved."))
            return redirect("casework:note_detail", client_id=client_id, note_id=note.pk)
    return _form_page(request, note.client, form, "edit", note, **extra)


@client_view
@require_POST
def note_sign(request, client_id: int, note_id: int):
    note = get_note(viewer=request.user, client_id=client_id, note_id=note_id)
    form = SignNoteForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else 0
    try:
        services.sign_note(actor=request.user, note=note, expected_version=version)
        messages.success(request, _("The note is signed."))
    except AccessDenied:
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("casework:note_detail", client_id=client_id, note_id=note.pk)


@client_view
def note_correct(request, client_id: int, note_id: int):
    note = get_note(viewer=request.user, client_id=client_id, note_id=note_id)
    form = CorrectNoteForm(request.POST or None, initial=NoteForm.initial_from(note))
    if request.method == "POST" and form.is_valid() and (correction := run_service(form, lambda: services.correct_note(
            actor=request.user, note=note, reason=form.cleaned_data["reason"], **form.note_kwargs()))):
        messages.success(request, _("The correction is saved as a draft. Sign it to make it valid."))
        return redirect("casework:note_detail", client_id=client_id, note_id=correction.pk)
    return _form_page(request, note.client, form, "correct", note)


@client_view
def todo(request):
    today = timezone.localdate()
    # Other apps' items (referrals: open path breaks) come through the hook, so casework imports none of them.
    extra = [(provider.template, provider.context(viewer=request.user, today=today))
             for provider in extensions.todo_providers()]
    return render(request, "casework/todo.html", {"entries": todo_for_worker(viewer=request.user, today=today),
                                                  "today": today, "extra_sections": extra})


urlpatterns = [
    path("tehtavat/", todo, name="todo"),
    path("<int:client_id>/muistiinpanot/", note_list, name="note_list"),
    path("<int:client_id>/muistiinpanot/uusi/", note_new, name="note_new"),
    path("<int:client_id>/muistiinpanot/<int:note_id>/", note_detail, name="note_detail"),
    path("<int:client_id>/muistiinpanot/<int:note_id>/muokkaa/", note_edit, name="note_edit"),
    path("<int:client_id>/muistiinpanot/<int:note_id>/allekirjoita/", note_sign, name="note_sign"),
    path("<int:client_id>/muistiinpanot/<int:note_id>/korjaa/", note_correct, name="note_correct"),
]


def section_context(*, viewer: User, client: Client, limit: int | None = None) -> dict:
    """Context for this slice's section on the client page (the client is already access-checked); with a
    limit (the client page), the newest `limit` notes and whether there are more (linked to the full list)."""
    notes = list_client_notes(viewer=viewer, client=client)
    threads = list_note_threads(viewer=viewer, client=client, notes=notes)
    return {"notes_section": {
        "client": client, "signed": NoteStatus.SIGNED,
        "threads": threads[:limit] if limit is not None else threads,
        "more": limit is not None and len(threads) > limit,
        "quality_items": quality_items_for_client(client=client, today=timezone.localdate(), notes=notes),
    }}
