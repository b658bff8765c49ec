"""The monitoring API: one router per area, joined here."""

from ninja import Router

from loket.monitoring.api import (
    business_cases,
    dashboard,
    indicators,
    municipality,
    reports,
    survey,
)

router = Router()
router.add_router("", indicators.router)
router.add_router("", dashboard.router)
router.add_router("", municipality.router)
router.add_router("", reports.router)
router.add_router("", business_cases.router)
router.add_router("", survey.router)
