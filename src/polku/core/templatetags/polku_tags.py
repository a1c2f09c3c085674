from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.filter
def role_label(value: str) -> str:
    """The translated label of a role or profession code as stored in logs ('nurse', 'team_lead')."""
    from polku.core.roles import Profession, Role

    for choices in (Role, Profession):
        if value in choices.values:
            return str(choices(value).label)
    return value
