"""Pages for a user's personal access tokens: list, create (shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from polku.api.forms import TokenForm
from polku.api.models import ApiToken, TokenKind
from polku.api.services import create_personal_token, revoke_token
from polku.core.reauth import require_recent_authentication
from polku.core.web import attempt_service

TOKENS_PER_PAGE = 50


@never_cache
@login_required
def token_list(request):
    tokens = (ApiToken.objects.filter(user=request.user, kind=TokenKind.PERSONAL)
              .order_by("revoked_at", "-created_at")[:TOKENS_PER_PAGE])
    return render(request, "api/tokens.html", {"tokens": tokens, "form": TokenForm(user=request.user)})


@never_cache
@login_required
@require_recent_authentication  # a token outlives the session and skips the second factor: prove the password
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        issued = attempt_service(form, lambda: create_personal_token(
            actor=request.user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
            days=form.cleaned_data["days"]))
        if issued is not None:
            return render(request, "api/token_created.html", {"token": issued.token, "secret": issued.secret})
    return render(request, "api/token_form.html", {"form": form}, status=400 if form.is_bound else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id: int):
    token = ApiToken.objects.filter(pk=token_id, user=request.user, kind=TokenKind.PERSONAL).first()
    if token is None:
        raise Http404
    if request.method == "POST":
        revoke_token(actor=request.user, token=token)
        messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
        return redirect("api_ui:tokens")
    return render(request, "api/token_revoke_confirm.html", {"token": token})
