"""Referrals and service paths: services, referrals with consent and history, break rules and breaks."""

from polku.referrals.models.breaks import CLIENT_KINDS, BreakKind, BreakRule, PathBreak
from polku.referrals.models.referral import (
    REPEATABLE_STEPS,
    DisclosureItem,
    Referral,
    ReferralConsent,
    ReferralDirection,
    ReferralStatus,
    ReferralStep,
    ReferralTransition,
    ReferralUrgency,
)
from polku.referrals.models.service import ReferralService, ServiceType

__all__ = [
    "CLIENT_KINDS", "REPEATABLE_STEPS", "BreakKind", "BreakRule", "DisclosureItem", "PathBreak", "Referral",
    "ReferralConsent", "ReferralDirection", "ReferralService", "ReferralStatus", "ReferralStep",
    "ReferralTransition", "ReferralUrgency", "ServiceType",
]
