"""The cap of hours per company, and a programme manager's permission for more.

- Hours on a trajectory count against the trajectory's scheme's ``hours_cap_per_company``,
  over everyone's hours for that company on trajectories of that scheme.
- Hours on a company outside a trajectory count against the programme's
  ``hours_cap_per_company``, over that company's hours in the programme outside
  trajectories.
- No cap (None): nothing is counted. The effective cap is the cap plus every
  ``CapOverride`` for that programme, company and scheme (None: outside trajectories).

A change that adds hours warns from 80 % of the effective cap and is refused above 100 %
(``services.hours`` does the counting under ``lock``). ``grant_cap_override`` is the one
way to allow more: a programme manager, with a reason, audited with the company's id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from loket.accounts.models import Membership, User
from loket.companies.models import Company
from loket.companies.queries import companies_visible_to
from loket.core import audit
from loket.core.models import AuditEvent
from loket.core.numbers import hours as fmt_hours
from loket.core.numbers import percent as fmt_percent
from loket.core.permissions import require
from loket.programmes.models import ZERO, CapOverride, HourEntry, Programme, Scheme
from loket.programmes.queries import can_approve

QUARTER = Decimal("0.25")
MIN_EXTRA_HOURS = QUARTER
MAX_EXTRA_HOURS = Decimal("1000")
MAX_REASON = 2000
WARN_AT = Decimal("0.80")
HUNDRED = Decimal("100")


def managers_of(programme: Programme) -> list[str]:
    """The names of the programme managers of the programme's region: whom to ask for
    more hours."""
    names = (
        Membership.objects.filter(
            organisation__region_id=programme.region_id,
            role="programme_manager",
            user__is_active=True,
        )
        .order_by("user__full_name")
        .values_list("user__full_name", flat=True)
        .distinct()
    )
    return [name for name in names if name]


# --- the cap -------------------------------------------------------------------------


@dataclass(frozen=True)
class CapCheck:
    """Where a company stands against one cap: the scheme's (on trajectories of that
    scheme) or the programme's (outside trajectories)."""

    programme: Programme
    company: Company
    scheme: Scheme | None
    base_cap: Decimal
    extra: Decimal
    used: Decimal
    added: Decimal
    managers: tuple[str, ...] = ()

    @property
    def cap(self) -> Decimal:
        return self.base_cap + self.extra

    @property
    def total(self) -> Decimal:
        return self.used + self.added

    @property
    def share(self) -> Decimal:
        """The total as a percentage of the cap (exact; rounded only where shown)."""
        if self.cap <= 0:
            return HUNDRED if self.total <= 0 else HUNDRED * 1000
        return self.total * HUNDRED / self.cap

    @property
    def blocked(self) -> bool:
        return self.total > self.cap

    @property
    def warning(self) -> bool:
        return not self.blocked and self.total >= self.cap * WARN_AT

    def _what(self) -> str:
        if self.scheme is not None:
            return _("op trajecten van de regeling %(scheme)s") % {"scheme": self.scheme.name}
        return _("buiten trajecten in het programma %(programme)s") % {
            "programme": self.programme.name
        }

    def _extra_note(self) -> str:
        if self.extra <= 0:
            return ""
        return " " + _(
            "Daarin zit %(extra)s uur extra die een programmamanager heeft toegestaan."
        ) % {"extra": fmt_hours(self.extra)}

    @property
    def ask(self) -> str:
        """Whom to ask for more hours."""
        if self.managers:
            return _(
                "Een programmamanager kan meer uren toestaan: vraag toestemming aan %(who)s."
            ) % {"who": ", ".join(self.managers)}
        return _("Een programmamanager kan meer uren toestaan: vraag hem of haar om toestemming.")

    @property
    def message(self) -> str:
        """The refusal (when blocked) or the warning, naming company, cap, used and total."""
        values = {
            "company": self.company.name,
            "cap": fmt_hours(self.cap),
            "what": self._what(),
            "used": fmt_hours(self.used),
            "total": fmt_hours(self.total),
            "share": fmt_percent(self.share, 0),
        }
        if self.blocked:
            text = (
                _(
                    "Niet opgeslagen: voor %(company)s geldt een maximum van %(cap)s uur "
                    "%(what)s. Er is al %(used)s uur geregistreerd; met deze uren komt het totaal "
                    "op %(total)s uur."
                )
                % values
            )
            return text + self._extra_note() + " " + self.ask
        return (
            _(
                "Let op: voor %(company)s is nu %(total)s van de %(cap)s uur %(what)s "
                "gebruikt (%(share)s)."
            )
            % values
            + self._extra_note()
        )


GroupKey = tuple[int, int | None]  # (company id, scheme id or None)


def base_cap(programme: Programme, scheme: Scheme | None) -> Decimal | None:
    if scheme is not None:
        return scheme.hours_cap_per_company
    return programme.hours_cap_per_company


def used_hours(
    programme: Programme, keys: Iterable[GroupKey], exclude: Iterable[int]
) -> dict[GroupKey, Decimal]:
    """Everyone's registered hours per (company, scheme), without the entries in
    ``exclude`` (those being changed). Two queries at most, whatever the number of keys."""
    keys = list(keys)
    excluded = list(exclude)
    out: dict[GroupKey, Decimal] = dict.fromkeys(keys, ZERO)
    on_schemes = [k for k in keys if k[1] is not None]
    outside = [k for k in keys if k[1] is None]
    if on_schemes:
        rows = (
            HourEntry.objects.filter(
                company_id__in={k[0] for k in on_schemes},
                trajectory__scheme_id__in={k[1] for k in on_schemes},
            )
            .exclude(pk__in=excluded)
            .values_list("company_id", "trajectory__scheme_id")
            .annotate(total=Sum("hours"))
            .order_by()
        )
        for company_id, scheme_id, total in rows:
            if (company_id, scheme_id) in out:
                out[(company_id, scheme_id)] = total or ZERO
    if outside:
        rows2 = (
            HourEntry.objects.filter(
                programme=programme,
                trajectory__isnull=True,
                company_id__in={k[0] for k in outside},
            )
            .exclude(pk__in=excluded)
            .values_list("company_id")
            .annotate(total=Sum("hours"))
            .order_by()
        )
        for company_id, total in rows2:
            out[(company_id, None)] = total or ZERO
    return out


def extra_hours_of(programme: Programme, keys: Iterable[GroupKey]) -> dict[GroupKey, Decimal]:
    keys = list(keys)
    out: dict[GroupKey, Decimal] = dict.fromkeys(keys, ZERO)
    if not keys:
        return out
    rows = (
        CapOverride.objects.filter(programme=programme, company_id__in={k[0] for k in keys})
        .values_list("company_id", "scheme_id")
        .annotate(total=Sum("extra_hours"))
        .order_by()
    )
    for company_id, scheme_id, total in rows:
        if (company_id, scheme_id) in out:
            out[(company_id, scheme_id)] = total or ZERO
    return out


def cap_usage(programme: Programme, company: Company, scheme: Scheme | None) -> CapCheck | None:
    """Where ``company`` stands against the cap of ``scheme`` (None: the programme's cap
    outside trajectories); None when there is no cap."""
    base = base_cap(programme, scheme)
    if base is None:
        return None
    key: GroupKey = (company.pk, scheme.pk if scheme is not None else None)
    return CapCheck(
        programme=programme,
        company=company,
        scheme=scheme,
        base_cap=base,
        extra=extra_hours_of(programme, [key])[key],
        used=used_hours(programme, [key], [])[key],
        added=ZERO,
        managers=tuple(managers_of(programme)),
    )


def lock(programme: Programme, scheme_ids: Iterable[int]) -> tuple[Programme, dict[int, Scheme]]:
    """Lock the programme row, then the schemes in id order (always this order, so two
    savers never wait for each other in a circle). On SQLite every transaction begins
    IMMEDIATE (settings) and holds the write lock."""
    locked = Programme.objects.select_for_update().select_related("region").get(pk=programme.pk)
    schemes: dict[int, Scheme] = {}
    ids = sorted(set(scheme_ids))
    if ids:
        for scheme in Scheme.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
            schemes[scheme.pk] = scheme
    return locked, schemes


# --- permission for more hours ------------------------------------------------------------


def grant_cap_override(
    actor: User,
    programme: Programme,
    *,
    company: Company,
    scheme: Scheme | None,
    extra_hours: Decimal,
    reason: str,
) -> CapOverride:
    """A programme manager allows ``extra_hours`` more for ``company`` against the cap of
    ``scheme`` (None: the programme's cap outside trajectories), with a reason. Audited
    with the company's id."""
    require(can_approve(actor, programme))
    errors: dict[str, list[str]] = {}
    text = (reason or "").strip()
    if not text:
        errors["reason"] = [_("Geef de reden waarom meer uren nodig zijn.")]
    elif problem := _text_problem(text):
        errors["reason"] = [problem]
    if problem := extra_hours_problem(extra_hours):
        errors["extra_hours"] = [problem]
    if (
        not companies_visible_to(actor)
        .filter(pk=company.pk, region_id=programme.region_id)
        .exists()
    ):
        errors["company"] = [_("Dit bedrijf kunt u niet kiezen.")]
    if scheme is not None and scheme.programme_id != programme.pk:
        errors["scheme"] = [_("Deze regeling hoort bij een ander programma.")]
    elif base_cap(programme, scheme) is None:
        errors["scheme"] = [
            _("Voor deze uren geldt geen maximum per bedrijf: toestemming is niet nodig.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked, _schemes = lock(programme, [scheme.pk] if scheme else [])
        override = CapOverride.objects.create(
            region_id=locked.region_id,
            programme=locked,
            company=company,
            scheme=scheme,
            extra_hours=extra_hours.quantize(Decimal("0.01")),
            reason=text,
            granted_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            override,
            company_id=company.pk,
            changes=audit.snapshot(override, ("company", "scheme", "extra_hours", "reason")),
            label=_("%(hours)s uur extra voor %(company)s")
            % {"hours": fmt_hours(extra_hours), "company": company.name},
        )
    return override


def extra_hours_problem(value: Decimal) -> str | None:
    """What is wrong with a number of extra hours, or None."""
    if not value.is_finite() or value < MIN_EXTRA_HOURS:
        return _("Sta minstens een kwartier (0,25 uur) extra toe.")
    if value > MAX_EXTRA_HOURS:
        return _("Sta hoogstens 1000 uur in één keer extra toe.")
    if value % QUARTER != 0:
        return _("Sta uren toe in hele kwartieren: 0,25, 0,5, 0,75 enzovoort.")
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return _("Tekst mag geen NUL-teken bevatten.")
    if len(text) > MAX_REASON:
        return _("Gebruik hoogstens %(limit)s tekens.") % {"limit": MAX_REASON}
    return None
