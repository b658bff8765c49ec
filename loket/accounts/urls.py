from django.urls import path

from loket.accounts import views

app_name = "accounts"
urlpatterns: list = []
