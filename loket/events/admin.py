from django.contrib import admin

from loket.events import models


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "status", "region"]
    list_filter = ["region", "kind", "status"]
    raw_id_fields = ["host_company", "plan_line"]


@admin.register(models.Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["event", "status", "attendance", "source"]
    list_filter = ["status", "attendance", "source"]
    raw_id_fields = ["event", "company", "person", "contact_moment", "follow_up_case"]
