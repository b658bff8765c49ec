from django.urls import path

from loket.casework import views

app_name = "casework"
urlpatterns: list = []
