from django.urls import path

from loket.companies import views, views_list, views_search

app_name = "companies"
urlpatterns: list = [
    # The company list and search (views_list.py, views_search.py).
    path("", views_list.company_list, name="list"),
    path("zoeken/", views_search.company_search, name="search"),
]
