from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from loket.core.permissions import scope_of


def loket(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "loket_scope": scope_of(user),
        "LOKET_PAGE_SIZE": settings.LOKET_PAGE_SIZE,
    }
