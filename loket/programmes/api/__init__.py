"""The programmes API: one router per area, joined here."""

from ninja import Router

from loket.programmes.api import financing, hours, plan, realisation, trajectories

router = Router()
router.add_router("", plan.router)
router.add_router("", financing.router)
router.add_router("", realisation.router)
router.add_router("", trajectories.router)
router.add_router("", hours.router)
