"""Django admin for regions, municipalities, reference lists and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from loket.core.models import AuditEvent, Municipality, Need, Region, Theme


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "first_response_working_days"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "cbs_code"]
    list_select_related = ["region"]


class BilingualLabelAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "slug", "active", "position"]
    list_editable = ["active", "position"]
    list_filter = ["active"]
    search_fields = ["name_nl", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_nl"]}


admin.site.register(Theme, BilingualLabelAdmin)
admin.site.register(Need, BilingualLabelAdmin)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is append-only: readable here, never added, changed or deleted."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_label"]
    list_filter = ["action", "object_type", "region"]
    search_fields = ["object_label", "actor_label"]
    date_hierarchy = "at"
    list_select_related = ["region"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
