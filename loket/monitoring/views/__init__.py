"""Pages of the monitoring app, one module per area; each module has ``urlpatterns``."""
