from django.urls import path

from loket.companies import views

app_name = "companies"
urlpatterns: list = []
