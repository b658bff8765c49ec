from django.urls import path
from django.views.generic import RedirectView

from loket.accounts import views, views_assignment

app_name = "accounts"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:organisation_list"), name="index"),
    path("organisaties/", views.organisation_list, name="organisation_list"),
    path("organisaties/nieuw/", views.organisation_create, name="organisation_create"),
    path("organisaties/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("gebruikers/", views.user_list, name="user_list"),
    path("gebruikers/nieuw/", views.user_create, name="user_create"),
    path("gebruikers/<int:pk>/", views.user_detail, name="user_detail"),
    path("gebruikers/<int:pk>/uitschakelen/", views.user_deactivate, name="user_deactivate"),
    path("gebruikers/<int:pk>/inschakelen/", views.user_reactivate, name="user_reactivate"),
    path("gebruikers/<int:pk>/uitnodigen/", views.user_invite, name="user_invite"),
    path(
        "gebruikers/<int:pk>/lidmaatschappen/nieuw/",
        views.membership_add,
        name="membership_add",
    ),
    path(
        "lidmaatschappen/<int:pk>/verwijderen/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("mijn-account/", views.my_account, name="my_account"),
    path("api-sleutels/", views.token_list, name="token_list"),
    path("api-sleutels/<int:pk>/intrekken/", views.token_revoke, name="token_revoke"),
    path("toewijzing/", views_assignment.rule_list, name="rule_list"),
    path("toewijzing/nieuw/", views_assignment.rule_create, name="rule_create"),
    path("toewijzing/<int:pk>/", views_assignment.rule_edit, name="rule_edit"),
    path("toewijzing/<int:pk>/verwijderen/", views_assignment.rule_delete, name="rule_delete"),
]
