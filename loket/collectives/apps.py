from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectivesConfig(AppConfig):
    name = "loket.collectives"
    label = "collectives"
    verbose_name = _("Collectieve instrumenten")
