"""The public survey pages (no login): reached by the personal link in the e-mail."""

from loket.monitoring.views import survey_public

app_name = "survey"

urlpatterns = [*survey_public.urlpatterns]
