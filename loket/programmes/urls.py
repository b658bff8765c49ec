from loket.programmes.views import financing, hours, plan, plan_io, realisation, trajectories

app_name = "programmes"

urlpatterns = [
    *plan.urlpatterns,
    *plan_io.urlpatterns,
    *financing.urlpatterns,
    *realisation.urlpatterns,
    *trajectories.urlpatterns,
    *hours.urlpatterns,
]
