"""Start a new installation: a region, its programme organisation and a first administrator.

    manage.py bootstrap_region --region "Drenthe" --organisation "Programmabureau IBDO" \
        --email beheer@example.org --name "Anna Beheer"

Prints a link where the administrator chooses a password (and then sets up two-factor
authentication). Everything after that happens in the interface under /beheer/.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from loket.accounts.models import Membership, Organisation, Role, User
from loket.accounts.services import invitation_url
from loket.core.models import Region


class Command(BaseCommand):
    help = "Create a region, its programme organisation and its first administrator."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--region", required=True, help="Name of the region, e.g. Drenthe")
        parser.add_argument("--organisation", required=True, help="The programme organisation")
        parser.add_argument("--email", required=True, help="E-mail address of the administrator")
        parser.add_argument("--name", required=True, help="Full name of the administrator")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if "@" not in email:
            raise CommandError("--email must be an e-mail address.")
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A user with e-mail {email} exists already.")
        slug = slugify(options["region"])[:50]
        if not slug:
            raise CommandError("--region needs a name with letters or digits.")
        with transaction.atomic():
            region, _ = Region.objects.get_or_create(
                slug=slug, defaults={"name": options["region"].strip()}
            )
            organisation, _ = Organisation.objects.get_or_create(
                region=region,
                name=options["organisation"].strip(),
                defaults={"kind": Organisation.Kind.PROGRAMME},
            )
            user = User.objects.create_user(email=email, full_name=options["name"].strip())
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Membership.objects.create(user=user, organisation=organisation, role=Role.ADMINISTRATOR)
        self.stdout.write(
            f"Region {region.name}, organisation {organisation.name}, administrator {email}.\n"
            f"Choose a password here (then set up two-factor authentication):\n"
            f"{invitation_url(user)}\n"
        )
