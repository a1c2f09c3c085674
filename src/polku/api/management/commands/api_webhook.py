"""polku api_webhook add|list|disable: an organisation's webhook subscriptions (the secret is shown once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from polku.api.models import WebhookEvent, WebhookSubscription
from polku.api.services import create_webhook_subscription
from polku.core.errors import DomainError
from polku.core.models import Organisation, User


class Command(BaseCommand):
    help = "Manage webhook subscriptions for referral and booking state changes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add")
        add.add_argument("--by", required=True, help="Username of the organisation's user administrator.")
        add.add_argument("--organisation", required=True, type=int)
        add.add_argument("--url", required=True)
        add.add_argument("--events", default=" ".join(WebhookEvent.values), help="Space- or comma-separated.")
        sub.add_parser("list")
        disable = sub.add_parser("disable")
        disable.add_argument("subscription_id", type=int)

    def handle(self, *args, action: str, **options):
        if action == "add":
            user = User.objects.filter(username=options["by"], is_active=True).first()
            organisation = Organisation.objects.filter(pk=options["organisation"]).first()
            if user is None or organisation is None:
                raise CommandError("unknown user or organisation")
            try:
                subscription = create_webhook_subscription(actor=user, organisation=organisation, url=options["url"],
                                                           events=options["events"].replace(",", " ").split())
            except DomainError as error:
                raise CommandError(str(error.message)) from error
            self.stdout.write(f"subscription {subscription.pk}\nsecret: {subscription.secret}")
        elif action == "list":
            for s in WebhookSubscription.objects.select_related("organisation"):
                self.stdout.write(f"{s.pk}\t{'active' if s.is_active else 'disabled'}\t{s.organisation}\t{s.url}\t"
                                  f"{' '.join(s.events)}")
        else:
            updated = WebhookSubscription.objects.filter(pk=options["subscription_id"]).update(is_active=False)
            if not updated:
                raise CommandError("no such subscription")
            self.stdout.write("disabled")
