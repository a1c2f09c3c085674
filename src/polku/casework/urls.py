"""Client-work URLs; each view module owns its own patterns."""

from polku.casework.views import clients, meetings, notes, plans, screening

app_name = "casework"

urlpatterns = (clients.urlpatterns + meetings.urlpatterns + notes.urlpatterns + screening.urlpatterns
               + plans.urlpatterns)
