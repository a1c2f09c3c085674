"""Views for the screening slice: choose an instrument, administer it, see results, trends and FHIR export."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from polku.casework.charts import ChartPoint, instrument_thresholds, render_trend_chart
from polku.casework.fhir import to_questionnaire_response
from polku.casework.forms.screening import ClientLanguageForm, ScreeningForm
from polku.casework.instruments import Instrument, text_for
from polku.casework.models import Client, ScreeningResponse
from polku.casework.selectors import get_client
from polku.casework.selectors import screening as selectors
from polku.casework.services.screening import administer_screening
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessAction, User
from polku.core.web import attempt_service


def client_view(view: Callable) -> Callable:
    """Logged-in client workers only; the access core's refusal is a 404 whose body names nothing."""

    @login_required
    @permission_required("core.work_with_clients", raise_exception=True)
    @wraps(view)
    def wrapper(request, client_id: int, *args, **kwargs):
        try:
            action = AccessAction.READ if request.method in ("GET", "HEAD") else AccessAction.WRITE
            client = get_client(viewer=request.user, client_id=client_id, action=action)
            return view(request, client, *args, **kwargs)
        except AccessDenied as denied:
            raise Http404 from denied

    return wrapper


# ------------------------------------------------------------------------------------ presentation


def _instrument_for_display(viewer: User, code: str) -> Instrument | None:
    """The instrument with the viewer's organisation's texts when it has them, else the bare definition."""
    try:
        return selectors.get_instrument(viewer=viewer, code=code)
    except DomainError:
        return selectors.get_instrument_definition(code)


def _chart(instrument: Instrument, points: list[selectors.TrendPoint]) -> dict:
    title = selectors.instrument_title(instrument)
    chart_points = [ChartPoint(at=p.at, total=p.total) for p in points]
    return {
        "svg": render_trend_chart(chart_id=f"trend-{instrument.code}", title=title, points=chart_points,
                                  thresholds=instrument_thresholds(instrument),
                                  max_value=selectors.max_total(instrument)),
        "rows": [{"at": p.at, "total": p.total, "band": selectors.band_label(p.band), "positive": p.positive}
                 for p in points],
        "title": title,
    }


def result_card(screening: ScreeningResponse, points: list[selectors.TrendPoint] | None = None) -> dict:
    """What a page shows of one result: title, total, band, flags, the suggested next step, the trend chart."""
    instrument = selectors.get_instrument_definition(screening.instrument)
    return {
        "screening": screening,
        "title": selectors.instrument_title(instrument) if instrument else screening.instrument,
        "name": instrument.code.upper() if instrument else screening.instrument.upper(),
        "max_total": selectors.max_total(instrument) if instrument else None,
        "band_label": selectors.band_label(screening.band),
        "suggestion": selectors.next_step_suggestion(instrument=screening.instrument, band=screening.band,
                                                     positive=screening.positive),
        "safety_note": selectors.safety_note(instrument=screening.instrument) if screening.safety_flag else "",
        "chart": _chart(instrument, points) if instrument and points and len(points) >= 2 else None,
    }


def _answer_rows(screening: ScreeningResponse, instrument: Instrument | None) -> list[dict]:
    rows = []
    for link_id, value in screening.answers.items():
        item = None
        if instrument is not None:
            try:
                item = instrument.item(link_id)
            except KeyError:
                item = None
        option = next((o for o in item.answer_options if o.ordinal == value), None) if item else None
        rows.append({"number": selectors.item_number(instrument, link_id) if instrument else link_id,
                     "text": (text_for(item, get_language()) or text_for(item, "en")) if item else "",
                     "answer": (text_for(option, get_language()) or text_for(option, "en") or "") if option else "",
                     "value": value})
    return rows


def section_context(*, viewer: User, client: Client) -> dict:
    """Context for this slice's section on the client page (the client is already access-checked)."""
    overview = selectors.screening_overview_of_checked_client(client=client)
    return {"screening_section": {
        "client": client,
        "cards": [result_card(s, overview.trends.get(s.instrument)) for s in overview.latest],
        "count": overview.count,
        "choices": selectors.list_instrument_choices(viewer=viewer),
    }}


def _chooser(request, client: Client, error: DomainError | None = None, status: int = 200):
    return render(request, "casework/screening_choose.html",
                  {"client": client, "choices": selectors.list_instrument_choices(viewer=request.user),
                   "error": error}, status=status)


# ------------------------------------------------------------------------------------------ views


@client_view
def screening_list(request, client: Client):
    screenings = selectors.list_screenings(viewer=request.user, client=client)
    return render(request, "casework/screening_list.html",
                  {"client": client, "screenings": [result_card(s) for s in screenings],
                   **section_context(viewer=request.user, client=client)})


@client_view
def screening_choose(request, client: Client):
    return _chooser(request, client)


def attempt(form, call: Callable):
    """Run a service; a domain refusal goes onto the form (an access refusal still becomes a 404)."""
    return attempt_service(form, call, on_error=form.apply_error)


def _form_page(request, client: Client, instrument: Instrument, form: ScreeningForm):
    languages = ClientLanguageForm(languages=selectors.instrument_languages(instrument),
                                   client_language=form.shown_language)
    return render(request, "casework/screening_form.html",
                  {"client": client, "form": form, "instrument": instrument, "language_form": languages,
                   "title": selectors.instrument_title(instrument)}, status=400 if form.errors else 200)


@client_view
def screening_new(request, client: Client, instrument_code: str):
    try:
        instrument = selectors.get_instrument(viewer=request.user, code=instrument_code)
    except DomainError as error:
        return _chooser(request, client, error=error, status=400)
    language = selectors.choose_client_language(
        instrument=instrument, client=client, requested=request.POST.get("client_language") or request.GET.get("kieli"))
    form = ScreeningForm(request.POST or None, instrument=instrument, client_language=language,
                         worker_language=get_language(),
                         meetings=selectors.list_meetings_for_screening(viewer=request.user, client=client))
    screening = request.method == "POST" and form.is_valid() and attempt(form, lambda: administer_screening(
        actor=request.user, client=client, instrument_code=instrument.code, answers=form.answers(),
        client_language=language, worker_language=get_language(),
        meeting=form.cleaned_data["meeting"]))
    if screening:
        messages.success(request, _("The screening is saved."))
        return redirect("casework:screening_detail", client.pk, screening.pk)
    return _form_page(request, client, instrument, form)


@client_view
def screening_detail(request, client: Client, screening_id: int):
    screening = selectors.get_screening(viewer=request.user, client=client, screening_id=screening_id)
    instrument = _instrument_for_display(request.user, screening.instrument)
    return render(request, "casework/screening_detail.html", {
        "client": client, "card": result_card(screening), "answers": _answer_rows(screening, instrument),
        "client_language_name": selectors.language_name(screening.client_language),
        "worker_language_name": selectors.language_name(screening.worker_language)})


@client_view
def screening_fhir(request, client: Client, screening_id: int):
    screening = selectors.get_screening(viewer=request.user, client=client, screening_id=screening_id,
                                        action=AccessAction.EXPORT)
    response = HttpResponse(json.dumps(to_questionnaire_response(screening), ensure_ascii=False, indent=2),
                            content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questionnaire-response-{screening.pk}.json"'
    return response


urlpatterns = [
    path("<int:client_id>/seulonnat/", screening_list, name="screening_list"),
    path("<int:client_id>/seulonnat/uusi/", screening_choose, name="screening_choose"),
    path("<int:client_id>/seulonnat/uusi/<slug:instrument_code>/", screening_new, name="screening_new"),
    path("<int:client_id>/seulonnat/<int:screening_id>/", screening_detail, name="screening_detail"),
    path("<int:client_id>/seulonnat/<int:screening_id>/fhir/", screening_fhir, name="screening_fhir"),
]
