from django.urls import path

from loket.core import views

app_name = "core"
urlpatterns = [
    path("start/", views.home, name="home"),
    path("health/", views.health, name="health"),
]
