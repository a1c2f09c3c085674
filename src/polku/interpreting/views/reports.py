"""The team lead's pages: the state-compensation claim (with XLSX and CSV) and the monthly purchases summary."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from polku.core.reauth import authenticated_recently, reauthentication_redirect
from polku.interpreting.compensation import build_claim, record_export, to_csv, to_xlsx
from polku.interpreting.forms import ClaimForm, InvoiceMonthForm
from polku.interpreting.services.purchases import monthly_invoice_summary
from polku.interpreting.views import guarded

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@guarded("core.assign_clients")
def claim(request):
    form = ClaimForm(request.GET or None)
    if not form.is_valid():
        return render(request, "interpreting/claim.html", {"form": form})
    result = build_claim(actor=request.user, organisation=request.user.organisation, **form.cleaned_data)
    export = request.GET.get("muoto")
    if export in ("csv", "xlsx"):
        if not authenticated_recently(request):  # data leaving Polku needs the password again (ASVS 3.7.1)
            return reauthentication_redirect(request)
        record_export(actor=request.user, claim=result, file_format=export)
        body, content_type = (to_csv(result).encode("utf-8-sig"), "text/csv; charset=utf-8") if export == "csv" \
            else (to_xlsx(result), XLSX)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="claim-{result.first_day}-{result.last_day}.{export}"'
        return response
    return render(request, "interpreting/claim.html", {"form": form, "claim": result})


@guarded("core.assign_clients")
def purchases_summary(request):
    form = InvoiceMonthForm(request.GET or None)
    rows = (monthly_invoice_summary(viewer=request.user, buyer=request.user.organisation,
                                    month=form.cleaned_data["month"]) if form.is_valid() else None)
    return render(request, "interpreting/purchases_summary.html", {"form": form, "rows": rows})
