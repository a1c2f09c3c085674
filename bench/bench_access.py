"""Access core: reading one client through the access check and log vs. a bare ORM read (the ceiling).

Every read of client data passes `polku.core.access` (care-relationship check + an AccessLog row);
this measures what that costs against the framework's own single-row read of the same client.
"""

from __future__ import annotations

from bench.table import measure, print_table, summarise
from polku.casework import selectors
from polku.casework.models import CareTeamMembership, Client
from polku.core.models import Organisation, OrganisationType
from polku.core.services import create_user

REPEAT = 2000


def run() -> None:
    organisation = Organisation.objects.create(name="Bench unit", type=OrganisationType.UNIT)
    nurse = create_user(username="bench-nurse", password=None, role="professional", profession="nurse",
                        organisation=organisation)
    clients = [Client.objects.create(organisation=organisation, created_by=nurse, given_names_latin="B",
                                     family_name_latin=f"Client {i}", preferred_language="ar") for i in range(200)]
    CareTeamMembership.objects.bulk_create(
        CareTeamMembership(client=c, worker=nurse, role="nurse", assigned_by=nurse) for c in clients)
    ids = [c.pk for c in clients]
    position = {"i": 0}

    def next_id() -> int:
        position["i"] = (position["i"] + 1) % len(ids)
        return ids[position["i"]]

    bare = summarise(measure(lambda: Client.objects.select_related("municipality", "organisation")
                             .get(pk=next_id()), repeat=REPEAT))
    gated = summarise(measure(lambda: selectors.get_client(viewer=nurse, client_id=next_id()), repeat=REPEAT))
    print_table(
        ["read of one client", "mean ms", "p50 ms", "p95 ms", "vs ceiling"],
        [["bare ORM get (framework ceiling)", bare["mean_ms"], bare["p50_ms"], bare["p95_ms"], "1.00x"],
         ["selectors.get_client (check + log)", gated["mean_ms"], gated["p50_ms"], gated["p95_ms"],
          f"{gated['mean_ms'] / bare['mean_ms']:.2f}x"]],
    )
