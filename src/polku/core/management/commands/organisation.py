"""`polku organisation add|list|rename`: the organisations (tenants) users belong to, without the admin.

`add` takes the parent by its exact name, as `createuser --organisation` does, and the home area by its code
(`VS`, `HEL`, ...) or name. Every refusal is one line naming the option to correct; nothing is stored then.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from polku.core import selectors, services
from polku.core.errors import DomainError
from polku.core.models import Organisation, OrganisationType

# DomainError names model fields; the operator typed options.
OPTION_BY_FIELD = {"name": "NAME", "type": "--type", "parent": "--parent", "home_area": "--area",
                   "business_id": "--business-id", "name_sv": "--name-sv", "name_en": "--name-en"}
LIST_COLUMNS = ("id", "name", "type", "parent", "area", "business id", "users")


class Command(BaseCommand):
    help = "Add, list or rename organisations (the tenants users belong to)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="create an organisation; prints its id and name")
        add.add_argument("name")
        add.add_argument("--type", required=True, help=f"one of: {', '.join(OrganisationType.values)}")
        add.add_argument("--parent", default="", help="exact name of the parent organisation")
        add.add_argument("--area", default="", help="home area: code (e.g. VS, HEL) or name")
        add.add_argument("--business-id", default="", help="Y-tunnus, e.g. 1234567-1")
        add.add_argument("--name-sv", default="", help="name in Swedish")
        add.add_argument("--name-en", default="", help="name in English")
        actions.add_parser("list", help="list organisations with their number of users")
        rename = actions.add_parser("rename", help="give an organisation another name")
        rename.add_argument("id", type=int)
        rename.add_argument("new_name")

    def handle(self, *args, action: str, **options):
        try:
            if action == "add":
                self._add(options)
            elif action == "list":
                self._list()
            else:
                self._rename(options["id"], options["new_name"])
        except DomainError as error:
            field = error.field or "error"
            # Renaming refuses only the new name, which is the rename's second argument.
            option = "NEW_NAME" if action == "rename" else OPTION_BY_FIELD.get(field, field)
            raise CommandError(f"{option}: {error.message}") from None

    def _add(self, options) -> None:
        parent = (selectors.get_organisation_by_name(name=options["parent"], field="parent")
                  if options["parent"] else None)
        home_area = selectors.get_area_by_code_or_name(value=options["area"]) if options["area"] else None
        organisation = services.create_organisation(
            name=options["name"], type=options["type"], parent=parent, home_area=home_area,
            business_id=options["business_id"], name_sv=options["name_sv"], name_en=options["name_en"])
        self.stdout.write(f"created organisation {organisation.pk}: {organisation.name}")

    def _list(self) -> None:
        # The stored name and the type's code, not their translations: they are what --parent, --type and
        # `createuser --organisation` take.
        rows = [(str(o.pk), o.name, o.type, o.parent.name if o.parent else "-",
                 o.home_area.code if o.home_area else "-", o.business_id or "-", str(o.user_count))
                for o in selectors.list_organisations()]
        if not rows:
            self.stdout.write("no organisations")
            return
        widths = [max(len(row[i]) for row in [LIST_COLUMNS, *rows]) for i in range(len(LIST_COLUMNS))]
        for row in [LIST_COLUMNS, *rows]:
            # Numbers right-aligned so that they line up by their last digit.
            cells = [cell.rjust(width) if index in (0, len(row) - 1) else cell.ljust(width)
                     for index, (cell, width) in enumerate(zip(row, widths, strict=True))]
            self.stdout.write("  ".join(cells).rstrip())

    def _rename(self, pk: int, new_name: str) -> None:
        organisation = Organisation.objects.filter(pk=pk).first()
        if organisation is None:
            raise CommandError(f"no organisation {pk}")
        old_name = organisation.name
        services.rename_organisation(organisation=organisation, name=new_name)
        self.stdout.write(f"renamed organisation {pk}: {old_name} -> {organisation.name}")
