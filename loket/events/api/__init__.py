"""The events API: one router per area, joined here."""

from ninja import Router

from loket.events.api import attendance, events, figures, registrations, webinar

router = Router()
router.add_router("", events.router)
router.add_router("", attendance.router)
router.add_router("", webinar.router)
router.add_router("", figures.router)
router.add_router("", registrations.router)
