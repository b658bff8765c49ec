from django.contrib import admin
from django.urls import include, path

from loket.api import api

urlpatterns = [
    path("", include("loket.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("beheer/", include("loket.accounts.urls")),
    path("bedrijven/", include("loket.companies.urls")),
    path("werk/", include("loket.casework.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

