from django.contrib import admin
from django.urls import include, path

from loket.accounts.views import set_language
from loket.api import api

urlpatterns = [
    path("", include("loket.core.urls")),
    path("", include("loket.portal.urls")),
    path("catalogus/", include("loket.catalogue.urls")),
    path("accounts/", include("allauth.urls")),
    path("beheer/", include("loket.accounts.urls")),
    path("bedrijven/", include("loket.companies.urls")),
    path("werk/", include("loket.casework.urls")),
    path("programmas/", include("loket.programmes.urls")),
    path("evenementen/", include("loket.events.urls")),
    path("agenda/", include("loket.events.public_urls")),
    path("collectieven/", include("loket.collectives.urls")),
    path("monitoring/", include("loket.monitoring.urls")),
    path("enquete/", include("loket.monitoring.public_urls")),
    path("api/", api.urls),
    # The language switch also saves the choice on the signed-in user's profile.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
