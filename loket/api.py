"""The REST API: one NinjaAPI, a router per app (``<app>/api.py``).

Authentication: a personal API token (``Authorization: Bearer lkt_...``) or, for the
browsable docs at /api/docs, the Django session with CSRF. Errors have one shape:
``{"detail": "..."}`` for 401/403/404 and ``{"detail": [{"loc", "msg", "type"}]}`` for 422,
in the request's language (Dutch unless ``Accept-Language: en``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from loket.core.api import FieldError, SessionAuth, TokenAuth, translate_error

api = NinjaAPI(
    title="Loket API",
    version="1",
    description=(
        "De gedeelde klantregistratie van het mkb-programma: bedrijven, contactpersonen, "
        "contactmomenten, hulpvragen en verwijzingen.\n\n"
        "**Inloggen**: maak een persoonlijke API-sleutel aan in Loket en stuur die mee als "
        "`Authorization: Bearer lkt_...`. In deze documentatie werkt ook uw sessie.\n\n"
        "**Zichtbaarheid**: u ziet wat u ook in Loket ziet; iets wat u niet mag zien "
        "antwoordt 404, een handeling die u niet mag doen 403.\n\n"
        "**Fouten**: ongeldige invoer antwoordt 422 met per fout het veld (`loc`) en een "
        "melding (`msg`) in uw taal (`Accept-Language: en` voor Engels).\n\n"
        "**Lijsten**: `limit` (hoogstens 100) en `offset`; `next_offset` wijst de volgende "
        "pagina aan."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


def _detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    if isinstance(exc, FieldError):
        detail = exc.errors
    else:
        detail = [translate_error(error) for error in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(DjangoValidationError)
def _service_refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service's ValidationError as a 422 on the fields it names."""
    detail: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            loc: list[str] = (
                ["body", "payload"] if field == "__all__" else ["body", "payload", field]
            )
            for error in field_errors:
                detail.append({"loc": loc, "msg": _message(error), "type": error.code or "invalid"})
    else:
        for error in exc.error_list:
            detail.append(
                {
                    "loc": ["body", "payload"],
                    "msg": _message(error),
                    "type": error.code or "invalid",
                }
            )
    return api.create_response(request, {"detail": detail}, status=422)


def _message(error: DjangoValidationError) -> str:
    message = str(error.message)
    if error.params:
        message = message % error.params
    return message


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, _("U mag dit niet doen."), 403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, _("Niet gevonden."), 404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _detail(
        request, _("Log in, of stuur een geldige API-sleutel mee (Authorization: Bearer)."), 401
    )
    response["WWW-Authenticate"] = 'Bearer realm="loket"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # Garbage instead of JSON is invalid input like any other: 422 on the body.
        return api.create_response(
            request,
            {
                "detail": [
                    {"loc": ["body"], "msg": _("Dit is geen geldige JSON."), "type": "json_invalid"}
                ]
            },
            status=422,
        )
    if exc.status_code == 403 and str(exc) == "CSRF check Failed":
        return _detail(request, _("CSRF-controle mislukt: laad de pagina opnieuw."), 403)
    return _detail(request, str(exc), exc.status_code)


from loket.accounts.api import router as accounts_router  # noqa: E402
from loket.casework.api import router as casework_router  # noqa: E402
from loket.catalogue.api import router as catalogue_router  # noqa: E402
from loket.catalogue.api_match import router as match_router  # noqa: E402
from loket.collectives.api import router as collectives_router  # noqa: E402
from loket.companies.api import router as companies_router  # noqa: E402
from loket.core.api import router as reference_router  # noqa: E402
from loket.events.api import router as events_router  # noqa: E402
from loket.monitoring.api import router as monitoring_router  # noqa: E402
from loket.programmes.api import router as programmes_router  # noqa: E402

api.add_router("", accounts_router)
api.add_router("", companies_router)
api.add_router("", casework_router)
api.add_router("", reference_router)
api.add_router("", match_router)
api.add_router("", catalogue_router)
api.add_router("", programmes_router)
api.add_router("", events_router)
api.add_router("", collectives_router)
api.add_router("", monitoring_router)

# Anything else under /api/ (a mistyped path, "/companies/abc") answers 404 in JSON, not
# with an HTML page. Registered last, so every real route matches first.
fallback_router = Router()


@fallback_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    raise Http404


api.add_router("", fallback_router)
