from django.urls import path

from loket.companies import views, views_list, views_search

app_name = "companies"
urlpatterns: list = [
    # The company list and search (views_list.py, views_search.py).
    path("", views_list.company_list, name="list"),
    path("zoeken/", views_search.company_search, name="search"),
    # The company pages (views.py).
    path("nieuw/", views.company_create, name="create"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/bewerken/", views.company_edit, name="edit"),
    path("<int:pk>/samenvoegen/", views.company_merge, name="merge"),
    path("<int:pk>/verwijderen/", views.company_delete, name="delete"),
    path("<int:pk>/audit/", views.company_audit, name="audit"),
    path("<int:pk>/personen/nieuw/", views.person_create, name="person_create"),
    path("personen/<int:pk>/", views.person_detail, name="person_detail"),
    path("personen/<int:pk>/bewerken/", views.person_edit, name="person_edit"),
    path("personen/<int:pk>/verwijderen/", views.person_delete, name="person_delete"),
    path("personen/<int:pk>/toestemming/", views.consent_create, name="consent_create"),
    path(
        "personen/<int:pk>/toestemming/<int:consent_pk>/intrekken/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
]
