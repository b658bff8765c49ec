"""factory-boy factories shared by all tests (one place, as paperless does)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from loket.accounts.models import Membership, Organisation, User
from loket.casework.models import AssignmentRule, Case, ContactMoment, Referral
from loket.catalogue.models import Instrument, InstrumentVersion
from loket.companies.models import Company, Person
from loket.core.models import Municipality, Region
from loket.programmes.models import (
    ActivityType,
    Funder,
    HourEntry,
    HourlyRate,
    PlanLine,
    PlanLineFunding,
    Programme,
    Scheme,
    Trajectory,
    TrajectoryParticipant,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = "Drenthe"
    slug = "drenthe"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("region", "name")

    region = factory.SubFactory(RegionFactory)
    name = "Assen"
    cbs_code = "GM0106"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("region", "name")

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.OTHER
    email = factory.LazyAttribute(lambda o: f"info@{o.name.lower().replace(' ', '-')}.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "advisor"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Bedrijf {n} B.V.")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")
    postcode = "9401 AB"
    house_number = factory.Sequence(lambda n: n + 1)
    street = "Brink"
    city = "Assen"
    employees = 5


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    company = factory.SubFactory(CompanyFactory)
    region = factory.SelfAttribute("company.region")
    name = factory.Sequence(lambda n: f"Persoon {n}")
    role = "eigenaar"
    email = factory.Sequence(lambda n: f"persoon{n}@bedrijf.example")


class ContactMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMoment

    company = factory.SubFactory(CompanyFactory)
    region = factory.SelfAttribute("company.region")
    kind = ContactMoment.Kind.PHONE
    occurred_at = factory.LazyFunction(timezone.now)
    author = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    summary = "Gesprek over groeiplannen."


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    company = factory.SubFactory(CompanyFactory)
    region = factory.SelfAttribute("company.region")
    reference = factory.Sequence(lambda n: f"HV-2026-{n:05d}")
    channel = Case.Channel.PHONE
    question = "Hoe kom ik aan financiering voor een nieuwe machine?"
    owner = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    opened_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    company = factory.SelfAttribute("case.company")
    region = factory.SelfAttribute("case.region")
    from_organisation = factory.SelfAttribute("case.organisation")
    to_organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SelfAttribute("case.owner")
    status = Referral.Status.SENT
    message = "Graag contact opnemen over financiering."


class InstrumentFactory(factory.django.DjangoModelFactory):
    """A current regional instrument of the programme, verified today. Pass
    ``region=None, provider_kind="national", provider_name="RVO"`` for a shared one.
    It writes the model directly (version 1 kept); use catalogue.services to test
    the rules of editing."""

    class Meta:
        model = Instrument
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Innovatievoucher {n}")
    slug = factory.Sequence(lambda n: f"instrument-{n}")
    summary = "Een voucher voor advies over innovatie."
    kind = "voucher"
    provider_kind = "programme"
    provider_organisation = factory.LazyAttribute(
        lambda o: (
            None
            if o.region is None
            else OrganisationFactory(region=o.region, kind=Organisation.Kind.PROGRAMME)
        )
    )
    phases = factory.LazyFunction(lambda: ["innovation"])
    last_verified = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)

    @factory.post_generation
    def first_version(self, create, extracted, **kwargs):
        if create:
            InstrumentVersion.objects.create(instrument=self, number=1, data={"name": self.name})


class AssignmentRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssignmentRule
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)

    @factory.post_generation
    def advisors(self, create, extracted, **kwargs):
        if create and extracted:
            self.advisors.set(extracted)


# --- programmes ----------------------------------------------------------------------
# These write the models directly; use loket.programmes.services to test the rules.


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A four-year programme (2025-2028). ``organisations=[...]`` sets the executing
    organisations."""

    class Meta:
        model = Programme
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Programma {n}")
    starts_on = dt.date(2025, 1, 1)
    ends_on = dt.date(2028, 12, 31)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda o: o.programme.region)
    name = factory.Sequence(lambda n: f"Financier {n}")
    kind = Funder.Kind.PROVINCE


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda o: o.programme.region)
    name = factory.Sequence(lambda n: f"Activiteit {n}")
    code = factory.Sequence(lambda n: f"activiteit-{n}")


class HourlyRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HourlyRate

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda o: o.programme.region)
    organisation = factory.LazyAttribute(lambda o: OrganisationFactory(region=o.programme.region))
    year = 2025
    rate = factory.LazyFunction(lambda: Decimal("100.00"))


class SchemeFactory(factory.django.DjangoModelFactory):
    """An innovation trajectory scheme: worth 5,000, 4,250 granted, 750 own contribution,
    10 available, at most 24 hours per company."""

    class Meta:
        model = Scheme

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda o: o.programme.region)
    name = factory.Sequence(lambda n: f"Innovatietraject {n}")
    funder = factory.LazyAttribute(lambda o: FunderFactory(programme=o.programme))
    value = factory.LazyFunction(lambda: Decimal("5000.00"))
    max_granted = factory.LazyFunction(lambda: Decimal("4250.00"))
    own_contribution = factory.LazyFunction(lambda: Decimal("750.00"))
    available = 10
    hours_norm = factory.LazyFunction(lambda: Decimal("12.00"))
    hours_cap_per_company = factory.LazyFunction(lambda: Decimal("24.00"))


class PlanLineFactory(factory.django.DjangoModelFactory):
    """A plan line; ``funders={funder: (share, out_of_pocket_incl_vat)}`` adds fundings."""

    class Meta:
        model = PlanLine
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda o: o.programme.region)
    year = 2025
    activity_type = factory.LazyAttribute(lambda o: ActivityTypeFactory(programme=o.programme))
    organisation = factory.LazyAttribute(lambda o: OrganisationFactory(region=o.programme.region))
    count = 1
    hours_per_unit = factory.LazyFunction(lambda: Decimal("10.00"))

    @factory.post_generation
    def funders(self, create, extracted, **kwargs):
        if create and extracted:
            for funder, (share, out) in extracted.items():
                PlanLineFunding.objects.create(
                    region=self.region,
                    line=self,
                    funder=funder,
                    hours_share=Decimal(str(share)),
                    out_of_pocket_incl_vat=Decimal(str(out)),
                )


class TrajectoryFactory(factory.django.DjangoModelFactory):
    """An applied trajectory for one company (its only participant)."""

    class Meta:
        model = Trajectory
        skip_postgeneration_save = True

    scheme = factory.SubFactory(SchemeFactory)
    programme = factory.LazyAttribute(lambda o: o.scheme.programme)
    region = factory.LazyAttribute(lambda o: o.scheme.region)
    company = factory.LazyAttribute(lambda o: CompanyFactory(region=o.scheme.region))
    title = factory.Sequence(lambda n: f"Innovatietraject {n}")
    origin = Trajectory.Origin.PROPOSAL
    applied_on = dt.date(2025, 3, 1)

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create:
            for company in [self.company, *(extracted or [])]:
                TrajectoryParticipant.objects.get_or_create(trajectory=self, company=company)


class HourEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HourEntry

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda o: o.programme.region)
    user = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda o: OrganisationFactory(region=o.programme.region))
    date = dt.date(2025, 3, 3)
    activity_type = factory.LazyAttribute(lambda o: ActivityTypeFactory(programme=o.programme))
    hours = factory.LazyFunction(lambda: Decimal("2.00"))
