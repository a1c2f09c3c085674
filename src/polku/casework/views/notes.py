"""Views for the notes slice of client work."""

from polku.casework.models import Client
from polku.core.models import User

urlpatterns: list = []


def section_context(*, viewer: User, client: Client) -> dict:
    """Context for this slice's section on the client page (the client is already access-checked)."""
    return {}
