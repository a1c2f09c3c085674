from django.conf import settings


def navigation(request):
    user = getattr(request, "user", None)
    perms = set()
    if user is not None and user.is_authenticated:
        perms = {name.split(".", 1)[1] for name in user.get_all_permissions() if name.startswith("core.")}
    return {"polku_perms": perms, "polku_languages": settings.LANGUAGES}
