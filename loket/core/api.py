"""Shared pieces of the REST API: authentication, input types, pagination, filters, errors,
and the reference lists (themes, needs, municipalities, SBI codes) clients pick from.

Endpoints stay thin: they turn JSON into model instances the user may reference, call a
service or a scoped query, and turn the result into a schema. Rules live in services.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf
from pydantic import AfterValidator, BeforeValidator, ConfigDict, StringConstraints, create_model
from pydantic_core import PydanticCustomError

from loket.accounts.mfa import has_totp, mfa_required
from loket.accounts.models import ApiToken, User
from loket.core.forms import MAX_PK
from loket.core.models import Municipality, Need, Theme
from loket.core.permissions import scope_of

# Largest value of a 64-bit primary key: anything bigger cannot exist and must not reach
# the database driver (SQLite raises OverflowError on it). One definition for forms and API.
MAX_ID = MAX_PK
# Largest value of a PositiveIntegerField on every database.
MAX_POSITIVE_INT = 2_147_483_647
MAX_TOKEN_LENGTH = 200
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


# --- authentication --------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer lkt_...``: a personal API token (only its hash is stored)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH or "\x00" in token:
            return None
        try:
            found = ApiToken.find(token)
        except UnicodeError:
            return None
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= TOKEN_TOUCH_INTERVAL:
            # An UPDATE at most once a minute per token, not on every request.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        user = found.user
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The Django session, for the browsable docs: CSRF on unsafe methods, and the same
    two-factor rule as the pages (programme managers and administrators need TOTP)."""

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Anonymous: answer 401, not a CSRF failure.
            return None
        if mfa_required(user) and not request.session.get("loket_mfa_ok") and not has_totp(user):
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):
            from ninja.errors import HttpError

            if check_csrf(request):
                raise HttpError(403, "CSRF check Failed")
        return user


def actor(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


# --- input types ---------------------------------------------------------------------


def _clean_text(value: str) -> str:
    # PostgreSQL refuses NUL in text; lone surrogates cannot be encoded as UTF-8 at all.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", _("Tekst mag geen NUL-teken bevatten."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("invalid_unicode", _("Tekst bevat ongeldige tekens.")) from None
    return value


_NO_NUL = AfterValidator(_clean_text)


def _text(max_length: int, min_length: int = 0) -> Any:
    """A string of bounded length without NUL bytes or lone surrogates (for dynamic use)."""
    return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length), _NO_NUL]


text_of = _text  # public: a bounded string type for schemas with their own maximum


# Bounded strings, named by their maximum length; "Req" ones may not be empty.
Str10 = Annotated[str, StringConstraints(max_length=10), _NO_NUL]
Str20 = Annotated[str, StringConstraints(max_length=20), _NO_NUL]
Str30 = Annotated[str, StringConstraints(max_length=30), _NO_NUL]
Str100 = Annotated[str, StringConstraints(max_length=100), _NO_NUL]
Str200 = Annotated[str, StringConstraints(max_length=200), _NO_NUL]
Str254 = Annotated[str, StringConstraints(max_length=254), _NO_NUL]
LongText = Annotated[str, StringConstraints(max_length=20_000), _NO_NUL]
ReqStr50 = Annotated[str, StringConstraints(min_length=1, max_length=50), _NO_NUL]
ReqStr200 = Annotated[str, StringConstraints(min_length=1, max_length=200), _NO_NUL]
ReqLongText = Annotated[str, StringConstraints(min_length=1, max_length=20_000), _NO_NUL]

EARLIEST = dt.date(1800, 1, 1)
LATEST = dt.date(2200, 12, 31)


def _date_in_range(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError(
            "date_out_of_range",
            _("Vul een datum tussen {start} en {end} in."),
            {"start": EARLIEST.isoformat(), "end": LATEST.isoformat()},
        )
    return value


def _datetime_in_range(value: dt.datetime) -> dt.datetime:
    if not EARLIEST.year <= value.year <= LATEST.year:
        raise PydanticCustomError(
            "datetime_out_of_range",
            _("Vul een tijdstip tussen {start} en {end} in."),
            {"start": EARLIEST.isoformat(), "end": LATEST.isoformat()},
        )
    if timezone.is_naive(value):
        # Naive times are Amsterdam time, as on the pages.
        value = timezone.make_aware(value)
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _iso_text(kind: str) -> Callable[[Any], Any]:
    """Dates and times are ISO strings: a number is not read as a Unix timestamp."""

    def check(value: Any) -> Any:
        if isinstance(value, int | float | bool):
            raise PydanticCustomError(kind, "not an ISO string")
        return value

    return check


Day = Annotated[dt.date, BeforeValidator(_iso_text("date_type")), AfterValidator(_date_in_range)]
Moment = Annotated[
    dt.datetime, BeforeValidator(_iso_text("datetime_type")), AfterValidator(_datetime_in_range)
]
Slug = ReqStr50


class Input(Schema):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class FieldError(NinjaValidationError):
    """A 422 whose messages we wrote ourselves (already translated)."""


def field_error(field: str, message: str, kind: str = "invalid") -> FieldError:
    """A 422 on one field of the request body, in ninja's own shape."""
    return FieldError([{"loc": ["body", "payload", field], "msg": message, "type": kind}])


M = TypeVar("M", bound=Model)


def resolve_one(queryset: QuerySet[M], pk: int | None, field: str) -> M | None:
    """The row with this id among those the user may reference, else 422 on ``field``."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise field_error(
            field, _("Onbekend of niet toegankelijk: %(id)s.") % {"id": pk}, "unknown"
        )
    return found


def resolve_many(
    queryset: QuerySet[M], keys: Iterable[Any] | None, field: str, key: str = "pk"
) -> list[M]:
    """All rows named by ``keys`` (ids, slugs or codes), else 422 naming the unknown ones."""
    wanted = list(dict.fromkeys(keys or []))
    if not wanted:
        return []
    found = {getattr(row, key): row for row in queryset.filter(**{f"{key}__in": wanted})}
    missing = [str(k) for k in wanted if k not in found]
    if missing:
        raise field_error(
            field,
            _("Onbekend of niet toegankelijk: %(keys)s.") % {"keys": ", ".join(missing)},
            "unknown",
        )
    return [found[k] for k in wanted]


def users_in_regions(user: User) -> QuerySet[User]:
    """Active users with a membership in one of the user's regions: whom one may name as
    owner or account manager."""
    regions = scope_of(user).region_ids
    return User.objects.filter(
        is_active=True, memberships__organisation__region_id__in=regions
    ).distinct()


def themes_by_slug(slugs: Iterable[str] | None, field: str = "themes") -> list[Theme]:
    return resolve_many(Theme.objects.filter(active=True), slugs, field, key="slug")


def needs_by_slug(slugs: Iterable[str] | None, field: str = "needs") -> list[Need]:
    return resolve_many(Need.objects.filter(active=True), slugs, field, key="slug")


# --- output pieces -------------------------------------------------------------------


class Ref(Schema):
    """A related row: its id and display name."""

    id: int
    name: str


class UserRef(Schema):
    id: int
    name: str = Field(validation_alias="full_name")


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


def errors(*codes: int) -> dict[int, Any]:
    """Documented error responses of an operation."""
    table: dict[int, Any] = {
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: Any,
        422: ValidationErrorOut,
    }
    return {code: table[code] for code in codes}


# --- pagination ----------------------------------------------------------------------

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_OFFSET = 100_000


class LimitOffset(PaginationBase):
    """limit/offset without COUNT(*): one query fetches a row more than asked, which says
    whether there is a next page. Counting big lists costs more than the page itself."""

    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Aantal per pagina.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Aantal over te slaan.")

    class Output(Schema):
        items: list[Any]
        limit: int
        offset: int
        next_offset: int | None = Field(
            None, description="De offset van de volgende pagina; leeg op de laatste."
        )

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        limit, offset = pagination.limit, pagination.offset
        rows = list(queryset[offset : offset + limit + 1])
        more = len(rows) > limit
        return {
            "items": rows[:limit],
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if more else None,
        }


# --- filters: one django-filter FilterSet serves the list page and the API --------------


def _filter_type(filter_: Any) -> Any:
    """The pydantic type of one django-filter filter's value, as tight as its form field:
    choices become an enum, model choices an id, dates a bounded date."""
    import django_filters as df

    choices = [str(value) for value, _label in (filter_.extra.get("choices") or []) if value != ""]
    if isinstance(filter_, df.OrderingFilter):
        return _text(200)
    if isinstance(filter_, df.ModelMultipleChoiceFilter):
        return list[Id]
    if isinstance(filter_, df.MultipleChoiceFilter):
        item: Any = Literal[tuple(choices)] if choices else _text(100)
        return list[item]
    if isinstance(filter_, df.ModelChoiceFilter):
        # By id, or by another unique column (a slug, an SBI code).
        return _text(50) if filter_.extra.get("to_field_name") else Id
    if isinstance(filter_, df.ChoiceFilter) and choices:
        return Literal[tuple(choices)]
    if isinstance(filter_, df.BooleanFilter):
        return Literal["true", "false"]
    if isinstance(filter_, df.DateFilter):
        return Day
    if isinstance(filter_, df.NumberFilter):
        return Annotated[int, Field(ge=-MAX_POSITIVE_INT, le=MAX_POSITIVE_INT)]
    return _text(200)


def filter_schema(
    name: str,
    filterset_class: Any,
    exclude: Iterable[str] = (),
    extra: Mapping[str, tuple[Any, Any]] | None = None,
) -> type[Schema]:
    """A ninja Query schema listing the FilterSet's filters, so they are documented in the
    OpenAPI schema and bounded (type, length, NUL) before django-filter sees them.
    ``extra`` adds API-only parameters (name: (type, Field))."""
    fields: dict[str, Any] = dict(extra or {})
    skip = {"limit", "offset", *exclude}
    for key, filter_ in filterset_class.base_filters.items():
        if key in skip:
            continue
        label = str(filter_.label or key)
        fields[key] = (_filter_type(filter_) | None, Field(None, description=label))
    model: type[Schema] = create_model(name, __base__=Schema, **fields)
    return model


def sort_parameter(sorting: Any) -> tuple[Any, Any]:
    """A ``sort`` query parameter offering the list page's sort orders (``core.lists``)."""
    keys = [k for key in sorting.options for k in (key, f"-{key}")]
    description = _(
        "Volgorde: %(keys)s; een '-' ervoor keert de volgorde om. Standaard: %(default)s."
    ) % {"keys": ", ".join(sorting.options), "default": sorting.default}
    return (Literal[tuple(keys)] | None, Field(None, description=description))


def apply_sorting(sorting: Any, queryset: QuerySet[M], value: str | None) -> QuerySet[M]:
    from loket.core.lists import SORT_PARAM

    result: QuerySet[M] = sorting.apply(queryset, {SORT_PARAM: value or ""})
    return result


def apply_filterset(
    filterset_class: Any, request: HttpRequest, queryset: QuerySet[M]
) -> QuerySet[M]:
    """Filter ``queryset`` with the page's FilterSet and the request's query parameters;
    invalid values answer 422 on the query parameter."""
    for key, values in request.GET.lists():
        if any("\x00" in v for v in values):
            raise FieldError(
                [
                    {
                        "loc": ["query", key],
                        "msg": _("Tekst mag geen NUL-teken bevatten."),
                        "type": "nul_character",
                    }
                ]
            )
    filterset = filterset_class(data=request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise FieldError(
            [
                {"loc": ["query", key], "msg": str(messages[0]), "type": "invalid"}
                for key, messages in filterset.errors.items()
            ]
        )
    result: QuerySet[M] = filterset.qs
    return result


# --- translated validation messages ---------------------------------------------------


def _choices(ctx: Mapping[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace(" or ", ", ")


_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda c: _("Dit veld is verplicht."),
    "string_type": lambda c: _("Vul tekst in."),
    "string_too_short": lambda c: (
        _("Dit veld mag niet leeg zijn.")
        if c.get("min_length") == 1
        else _("Vul minstens %(n)s tekens in.") % {"n": c.get("min_length")}
    ),
    "string_too_long": lambda c: _("Vul hoogstens %(n)s tekens in.") % {"n": c.get("max_length")},
    "int_type": lambda c: _("Vul een geheel getal in."),
    "int_parsing": lambda c: _("Vul een geheel getal in."),
    "int_parsing_size": lambda c: _("Dit getal is te groot."),
    "int_from_float": lambda c: _("Vul een geheel getal in."),
    "greater_than_equal": lambda c: _("Vul minstens %(n)s in.") % {"n": c.get("ge")},
    "greater_than": lambda c: _("Vul meer dan %(n)s in.") % {"n": c.get("gt")},
    "less_than_equal": lambda c: _("Vul hoogstens %(n)s in.") % {"n": c.get("le")},
    "less_than": lambda c: _("Vul minder dan %(n)s in.") % {"n": c.get("lt")},
    "bool_type": lambda c: _("Vul true of false in."),
    "bool_parsing": lambda c: _("Vul true of false in."),
    "date_type": lambda c: _("Vul een datum in als JJJJ-MM-DD."),
    "date_parsing": lambda c: _("Vul een datum in als JJJJ-MM-DD."),
    "date_from_datetime_parsing": lambda c: _("Vul een datum in als JJJJ-MM-DD."),
    "date_from_datetime_inexact": lambda c: _("Vul een datum in als JJJJ-MM-DD."),
    "datetime_type": lambda c: _("Vul een tijdstip in als JJJJ-MM-DDTuu:mm."),
    "datetime_parsing": lambda c: _("Vul een tijdstip in als JJJJ-MM-DDTuu:mm."),
    "datetime_from_date_parsing": lambda c: _("Vul een tijdstip in als JJJJ-MM-DDTuu:mm."),
    "datetime_object_invalid": lambda c: _("Vul een tijdstip in als JJJJ-MM-DDTuu:mm."),
    "enum": lambda c: _("Kies een van: %(choices)s.") % {"choices": _choices(c)},
    "literal_error": lambda c: _("Kies een van: %(choices)s.") % {"choices": _choices(c)},
    "list_type": lambda c: _("Vul een lijst in."),
    "too_long": lambda c: _("Geef hoogstens %(n)s waarden.") % {"n": c.get("max_length")},
    "too_short": lambda c: _("Geef minstens %(n)s waarden.") % {"n": c.get("min_length")},
    "extra_forbidden": lambda c: _("Onbekend veld."),
    "model_attributes_type": lambda c: _("Verwacht een JSON-object."),
    "model_type": lambda c: _("Verwacht een JSON-object."),
    "dict_type": lambda c: _("Verwacht een JSON-object."),
    "json_invalid": lambda c: _("Dit is geen geldige JSON."),
}


def translate_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """One pydantic error as {loc, msg, type}, with the message in the active language.
    Messages our own validators wrote (already translated) are kept."""
    kind = str(error.get("type", "invalid"))
    ctx = error.get("ctx") or {}
    message = _MESSAGES.get(kind)
    if message is not None:
        msg = message(ctx)
    elif kind in {"nul_character", "invalid_unicode", "date_out_of_range", "datetime_out_of_range"}:
        msg = str(error.get("msg", ""))
    else:
        msg = _("Ongeldige waarde.")
    loc = list(error.get("loc", []))
    if len(loc) > 2 and loc[0] == "query" and loc[1] in QUERY_SCHEMA_ARGS:
        # ["query", "filters", "status", 0] -> ["query", "status", 0]: name the parameter.
        del loc[1]
    return {"loc": loc, "msg": msg, "type": kind}


# Names of endpoint arguments that hold a schema of query parameters.
QUERY_SCHEMA_ARGS = frozenset({"filters", "params", "ninja_pagination"})


# --- reference lists -----------------------------------------------------------------

router = Router(tags=["referentielijsten"])


class LabelOut(Schema):
    slug: str
    name: str


class MunicipalityOut(Schema):
    id: int
    name: str
    cbs_code: str
    region: str = Field(validation_alias="region.slug")


class SbiCodeOut(Schema):
    code: str
    name: str
    section: str | None = Field(None, validation_alias="section.code")


@router.get("/themes", response={200: list[LabelOut], **errors(401)}, summary="Thema's")
def list_themes(request: HttpRequest) -> Any:
    """De actieve thema's: gebruik de `slug` in `themes` van bedrijven, contactmomenten en
    hulpvragen."""
    return Theme.objects.filter(active=True)


@router.get("/needs", response={200: list[LabelOut], **errors(401)}, summary="Behoeften")
def list_needs(request: HttpRequest) -> Any:
    """De actieve behoeften: gebruik de `slug` in `needs` van contactmomenten."""
    return Need.objects.filter(active=True)


@router.get(
    "/municipalities",
    response={200: list[MunicipalityOut], **errors(401)},
    summary="Gemeenten",
)
def list_municipalities(request: HttpRequest) -> Any:
    """De gemeenten van de regio's waarin u werkt."""
    regions = scope_of(actor(request)).region_ids
    return Municipality.objects.filter(region_id__in=regions).select_related("region")


@router.get("/sbi-codes", response={200: list[SbiCodeOut], **errors(401)}, summary="SBI-codes")
def list_sbi_codes(request: HttpRequest) -> Any:
    """De SBI-secties en -afdelingen: gebruik de `code` in `sbi_codes` van bedrijven."""
    from loket.companies.models import SbiCode

    return SbiCode.objects.select_related("section")


def choice_of(choices: Any) -> Any:
    """A model's choices (a TextChoices class) as an enum inline in the OpenAPI schema. The
    class itself would become a schema component named by its class name, and every
    ``Kind`` of every model would share one ("phone" documented as a funder's kind)."""
    return Literal[tuple(choices.values)]
