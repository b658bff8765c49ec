from loket.events.views import day, manage, registrations, webinar

app_name = "events"

urlpatterns = [
    *manage.urlpatterns,
    *day.urlpatterns,
    *webinar.urlpatterns,
    *registrations.urlpatterns,
]
