from django.urls import path

from loket.catalogue import views, views_import

app_name = "catalogue"
urlpatterns: list = [
    path("", views.instrument_list, name="list"),
    path("nieuw/", views.instrument_create, name="create"),
    path("<int:pk>/", views.instrument_detail, name="detail"),
    path("<int:pk>/bewerken/", views.instrument_edit, name="edit"),
    path("<int:pk>/gecontroleerd/", views.instrument_verify, name="verify"),
    path("<int:pk>/verwijderen/", views.instrument_delete, name="delete"),
    path("<int:pk>/versies/<int:number>/", views.instrument_version, name="version"),
    path("importeren/", views_import.catalogue_import, name="import"),
    path("exporteren/", views_import.catalogue_export, name="export"),
]
