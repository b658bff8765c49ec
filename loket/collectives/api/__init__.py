"""The collectives API: one router per area, joined here."""

from ninja import Router

from loket.collectives.api import carousels, groups, tables

router = Router()
router.add_router("", groups.router)
router.add_router("", tables.router)
router.add_router("", carousels.router)
