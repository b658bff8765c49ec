"""Pages of the programmes app, one module per area; each module has ``urlpatterns``."""
