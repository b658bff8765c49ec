"""The REST API: one NinjaAPI, a router per app (``<app>/api.py``)."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Loket API",
    version="1",
    description="De gedeelde klantregistratie van het mkb-programma.",
    urls_namespace="api",
)
