from django.urls import path

from loket.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.queue, name="queue"),
    # cases
    path("hulpvragen/", views.case_list, name="case_list"),
    path("hulpvragen/nieuw/<int:company_pk>/", views.case_create, name="case_create"),
    path("hulpvragen/<int:pk>/", views.case_detail, name="case_detail"),
    path("hulpvragen/<int:pk>/bewerken/", views.case_edit, name="case_edit"),
    path("hulpvragen/<int:pk>/status/", views.case_status, name="case_status"),
    path("hulpvragen/<int:pk>/eigenaar/", views.case_reassign, name="case_reassign"),
    path("hulpvragen/<int:pk>/verwijzen/", views.referral_create, name="referral_create"),
    # contact moments
    path("contactmomenten/", views.contact_list, name="contact_list"),
    path("contactmomenten/nieuw/<int:company_pk>/", views.contact_create, name="contact_create"),
    path("contactmomenten/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contactmomenten/<int:pk>/bewerken/", views.contact_edit, name="contact_edit"),
    path("contactmomenten/<int:pk>/verwijderen/", views.contact_delete, name="contact_delete"),
    # referrals
    path("verwijzingen/", views.referral_inbox, name="referral_inbox"),
    path("verwijzingen/alle/", views.referral_list, name="referral_list"),
    path("verwijzingen/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("verwijzingen/<int:pk>/versturen/", views.referral_send, name="referral_send"),
    path("verwijzingen/<int:pk>/accepteren/", views.referral_accept, name="referral_accept"),
    path("verwijzingen/<int:pk>/afwijzen/", views.referral_decline, name="referral_decline"),
    path("verwijzingen/<int:pk>/afronden/", views.referral_complete, name="referral_complete"),
]
