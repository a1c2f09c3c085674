"""Password rules per ASVS 2.1: long passwords allowed, no composition rules, common passwords refused.

Django's validators cover the minimum length (12, ASVS 2.1.1) and the offline list of 20 000 common
passwords (ASVS 2.1.7); this adds the upper bound, set well above ASVS 2.1.2's 64 so that passphrases fit
while a megabyte "password" cannot make the hasher burn CPU.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext("This password is too long. It must contain at most %(max_length)d character.",
                         "This password is too long. It must contain at most %(max_length)d characters.",
                         self.max_length),
                code="password_too_long", params={"max_length": self.max_length})

    def get_help_text(self):
        return _("Your password can be up to %(max_length)d characters long.") % {"max_length": self.max_length}
