from loket.monitoring.views import (
    business_cases,
    dashboard,
    indicators,
    municipality,
    records,
    reports,
    survey,
)

app_name = "monitoring"

urlpatterns = [
    *indicators.urlpatterns,
    *records.urlpatterns,
    *dashboard.urlpatterns,
    *municipality.urlpatterns,
    *reports.urlpatterns,
    *business_cases.urlpatterns,
    *survey.urlpatterns,
]
