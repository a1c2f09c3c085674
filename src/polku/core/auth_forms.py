"""Forms of the login steps after the password: the one-time code, and re-authentication."""

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from polku.core import two_factor

CODE_ATTRS = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32,
                           help_text=_("The six digits from your authenticator app, or one of your recovery codes."),
                           widget=forms.TextInput(attrs=CODE_ATTRS))


class EnrolmentForm(forms.Form):
    code = forms.CharField(label=_("Code from the app"), max_length=8,
                           help_text=_("Six digits."), widget=forms.TextInput(attrs={**CODE_ATTRS,
                                                                                    "inputmode": "numeric"}))


class ReauthenticationForm(forms.Form):
    """The password, and a code when the user has an authenticator; both checked (axes counts failures)."""

    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    code = forms.CharField(label=_("Code"), max_length=32, required=False,
                           help_text=_("The six digits from your authenticator app, or one of your recovery codes."),
                           widget=forms.TextInput(attrs=CODE_ATTRS))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user
        self.needs_code = two_factor.is_enrolled(self.user)
        self.device = None
        if not self.needs_code:
            del self.fields["code"]
        else:
            self.fields["code"].required = True

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = authenticate(self.request, username=self.user.get_username(), password=password)
        if user is None or user.pk != self.user.pk:
            raise forms.ValidationError(_("The password is wrong."), code="invalid_password")
        return password

    def clean(self):
        data = super().clean()
        # The code is only tried after a right password, so that a wrong password spends no code.
        if self.needs_code and "password" in data and data.get("code"):
            self._check_code(data["code"])
        return data

    def _check_code(self, code: str) -> None:
        self.device = device_for_code(self, user=self.user, code=code)


def device_for_code(form: forms.Form, *, user, code: str):
    """The user's device that accepts `code` (once), or None with the reason added to the form's code field:
    throttled after wrong codes, or wrong / already used. Every place that asks for a code uses this."""
    result = two_factor.verify_code(user=user, code=code)
    if result.throttled:
        form.add_error("code", forms.ValidationError(_("Too many wrong codes. Wait a moment and try again."),
                                                     code="throttled"))
    elif result.device is None:
        form.add_error("code", forms.ValidationError(_("The code is wrong or has already been used."),
                                                     code="invalid_code"))
    return result.device
