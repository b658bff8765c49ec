"""Dutch identifiers: KvK number and postcode."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KVK_RE = re.compile(r"^\d{8}$")
POSTCODE_RE = re.compile(r"^([1-9]\d{3})\s?(?!SA|SD|SS)([A-Z]{2})$")


def normalise_kvk(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_kvk_number(value: str) -> None:
    if not KVK_RE.match(value or ""):
        raise ValidationError(
            _("Een KvK-nummer bestaat uit precies 8 cijfers."), code="invalid_kvk"
        )


def normalise_postcode(value: str) -> str:
    """'1234ab' -> '1234 AB'; anything unrecognisable is returned stripped, for the validator."""
    raw = (value or "").strip().upper()
    match = POSTCODE_RE.match(raw)
    if not match:
        return raw
    return f"{match.group(1)} {match.group(2)}"


def validate_postcode(value: str) -> None:
    if not re.match(r"^[1-9]\d{3} (?!SA|SD|SS)[A-Z]{2}$", value or ""):
        raise ValidationError(
            _("Vul een Nederlandse postcode in, zoals 9401 AB."), code="invalid_postcode"
        )
