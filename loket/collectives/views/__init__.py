"""Pages of the collectives app, one module per area; each module has ``urlpatterns``."""
