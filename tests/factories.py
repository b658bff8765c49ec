"""factory-boy factories shared by all tests (one place, as paperless does)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from loket.accounts.models import Membership, Organisation, User
from loket.casework.models import AssignmentRule, Case, ContactMoment, Referral
from loket.catalogue.models import Instrument, InstrumentVersion
from loket.collectives.models import (
    CarouselRound,
    Collective,
    Match,
    Member,
    Student,
    StudentTeam,
    TableCase,
    TableSession,
)
from loket.companies.models import Company, Person
from loket.core.models import Municipality, Region
from loket.events.models import Event, Registration
from loket.monitoring.models import (
    ActionLine,
    BusinessCase,
    Indicator,
    Measure,
    Report,
    SurveyInvitation,
    Target,
)
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


# --- events --------------------------------------------------------------------------
# These write the models directly; use loket.events.services to test the rules.


def _in_days(days: int, hour: int = 15) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


class EventFactory(factory.django.DjangoModelFactory):
    """A published public network meeting in two weeks, 15:00-17:00, for 30 people;
    ``partners=[...]`` sets the co-organisers (default: one new partner)."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda o: o.programme.region)
    kind = Event.Kind.NETWORK
    title = factory.Sequence(lambda n: f"Netwerkbijeenkomst {n}")
    description = "Ondernemers ontmoeten elkaar en partners."
    starts_at = factory.LazyFunction(lambda: _in_days(14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    venue = "TT Hall"
    address = "De Haar 1, Assen"
    capacity = 30
    organiser = factory.LazyAttribute(lambda o: OrganisationFactory(region=o.programme.region))
    status = Event.Status.PUBLISHED

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create:
            self.partners.set(extracted or [OrganisationFactory(region=self.region)])


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    region = factory.SelfAttribute("event.region")
    name = factory.Sequence(lambda n: f"Deelnemer {n}")
    email = factory.Sequence(lambda n: f"deelnemer{n}@bedrijf.example")
    company_name = factory.Sequence(lambda n: f"Deelnemend bedrijf {n}")
    source = Registration.Source.PORTAL
    status = Registration.Status.CONFIRMED


# --- collectives ---------------------------------------------------------------------


class CollectiveFactory(factory.django.DjangoModelFactory):
    """A cluster in the discover phase; ``kind=...`` for the others."""

    class Meta:
        model = Collective

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.LazyAttribute(lambda o: o.programme.region)
    kind = Collective.Kind.CLUSTER
    name = factory.Sequence(lambda n: f"Collectief {n}")
    organisation = factory.LazyAttribute(lambda o: OrganisationFactory(region=o.programme.region))
    phase = factory.LazyAttribute(
        lambda o: Collective.Phase.DISCOVER if o.kind == Collective.Kind.CLUSTER else ""
    )


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    collective = factory.SubFactory(CollectiveFactory)
    region = factory.SelfAttribute("collective.region")
    company = factory.LazyAttribute(lambda o: CompanyFactory(region=o.collective.region))


class TableSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableSession

    collective = factory.SubFactory(
        CollectiveFactory, kind=Collective.Kind.ENTREPRENEUR_TABLE, phase=""
    )
    region = factory.SelfAttribute("collective.region")
    held_at = factory.LazyFunction(lambda: _in_days(7, 19))
    location = "Provinciehuis Assen"


class TableCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableCase

    collective = factory.SubFactory(
        CollectiveFactory, kind=Collective.Kind.FINANCING_TABLE, phase=""
    )
    region = factory.SelfAttribute("collective.region")
    company = factory.LazyAttribute(lambda o: CompanyFactory(region=o.collective.region))
    question = "Hoe financier ik een nieuwe productielijn?"
    requested_on = factory.LazyFunction(timezone.localdate)
    convene_by = factory.LazyAttribute(lambda o: o.requested_on + dt.timedelta(days=21))


class CarouselRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarouselRound

    collective = factory.SubFactory(
        CollectiveFactory, kind=Collective.Kind.EXPORT_CAROUSEL, phase=""
    )
    region = factory.SelfAttribute("collective.region")
    name = factory.Sequence(lambda n: f"Ronde {n}")
    school = factory.LazyAttribute(
        lambda o: OrganisationFactory(region=o.collective.region, kind=Organisation.Kind.SCHOOL)
    )
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=120))


class StudentTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentTeam

    round = factory.SubFactory(CarouselRoundFactory)
    region = factory.SelfAttribute("round.region")
    name = factory.Sequence(lambda n: f"Team {n}")
    languages = "Duits, Engels"
    countries = "Duitsland"


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    round = factory.SubFactory(CarouselRoundFactory)
    region = factory.SelfAttribute("round.region")
    name = factory.Sequence(lambda n: f"Student {n}")
    school = "Hanzehogeschool"
    study_programme = "International Business"
    year_of_study = 4


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    round = factory.SubFactory(CarouselRoundFactory)
    region = factory.SelfAttribute("round.region")
    company = factory.LazyAttribute(lambda o: CompanyFactory(region=o.round.region))
    team = factory.LazyAttribute(lambda o: StudentTeamFactory(round=o.round))
    research_question = "Is er vraag naar ons product in Noord-Duitsland?"


# --- monitoring ----------------------------------------------------------------------
# These write the models directly; use loket.monitoring.services to test the rules.


class ActionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLine

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.SelfAttribute("programme.region")
    name = factory.Sequence(lambda n: f"Actielijn {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    action_line = factory.SubFactory(ActionLineFactory)
    programme = factory.SelfAttribute("action_line.programme")
    region = factory.SelfAttribute("action_line.region")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    measure = Measure.INTAKES


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    region = factory.SelfAttribute("indicator.region")
    period = Target.Period.YEAR
    year = 2026
    minimum = Decimal("150")


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.SelfAttribute("programme.region")
    year = 2026
    quarter = 1


class BusinessCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCase

    programme = factory.SubFactory(ProgrammeFactory)
    region = factory.SelfAttribute("programme.region")
    organisation = factory.LazyAttribute(lambda o: OrganisationFactory(region=o.region))
    company = factory.LazyAttribute(lambda o: CompanyFactory(region=o.region))
    title = factory.Sequence(lambda n: f"Groeiproject {n}")
    started_on = dt.date(2026, 2, 1)
    expected_turnover = Decimal("250000.00")
    expected_value = Decimal("100000.00")
    expected_fte = Decimal("3.0")


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    """A sent invitation (``status``, ``sent_at``); give ``mark`` and ``answered_at`` for
    an answer."""

    class Meta:
        model = SurveyInvitation

    company = factory.SubFactory(CompanyFactory)
    region = factory.SelfAttribute("company.region")
    email = factory.Sequence(lambda n: f"ondernemer{n}@example.nl")
    token = factory.Sequence(lambda n: f"survey-token-{n:040d}")
    year = 2026
    quarter = 1
    status = SurveyInvitation.Status.SENT
    send_after = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
