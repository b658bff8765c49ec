from loket.collectives.views import carousels, groups, tables

app_name = "collectives"

urlpatterns = [
    *groups.urlpatterns,
    *tables.urlpatterns,
    *carousels.urlpatterns,
]
