from django.urls import path

from loket.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("zoeken/", views.search, name="search"),
    path("wegwijzer/", views.guide, name="guide"),
    path("wegwijzer/resultaat/", views.guide_result, name="guide_result"),
    path("instrumenten/<slug:slug>/", views.instrument, name="instrument"),
    path("partners/", views.partners, name="partners"),
    path("vraag/", views.ask, name="ask"),
    path("vraag/verzonden/", views.thanks, name="thanks"),
]
