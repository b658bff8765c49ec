from loket.events.views import public

app_name = "agenda"

urlpatterns = [*public.urlpatterns]
