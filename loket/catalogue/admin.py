"""Django admin for the catalogue: for administrators' repairs only. Changes made here
bypass the services (no version, no audit event), so instruments are read-mostly and
their versions read-only; editors use the catalogue pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from loket.catalogue.models import Instrument, InstrumentVersion


class InstrumentVersionInline(admin.TabularInline):
    model = InstrumentVersion
    fields = ("number", "changed_by", "changed_at", "changed_fields", "note")
    readonly_fields = ("number", "changed_by", "changed_at", "changed_fields", "note")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "provider_kind",
        "region",
        "published",
        "budget_exhausted",
        "open_until",
        "last_verified",
        "version",
    ]
    list_filter = ["region", "kind", "provider_kind", "published", "budget_exhausted"]
    search_fields = ["name", "slug", "provider_name"]
    list_select_related = ["region"]
    readonly_fields = ["version", "created_at", "updated_at"]
    raw_id_fields = ["provider_organisation", "contact_organisation", "editor"]
    filter_horizontal = ["themes", "municipalities", "regions"]
    inlines = [InstrumentVersionInline]
    show_full_result_count = False


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    """Versions are history: readable here, never added, changed or deleted."""

    list_display = ["instrument", "number", "changed_by", "changed_at", "note"]
    list_select_related = ["instrument", "changed_by"]
    search_fields = ["instrument__name", "note"]
    date_hierarchy = "changed_at"
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
