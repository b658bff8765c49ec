from django.contrib import admin

from loket.programmes import models


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "starts_on", "ends_on"]
    list_filter = ["region"]


@admin.register(models.Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "value", "max_granted", "available"]


@admin.register(models.Trajectory)
class TrajectoryAdmin(admin.ModelAdmin):
    list_display = ["title", "scheme", "status", "applied_on"]
    list_filter = ["status"]
    raw_id_fields = ["company", "case"]
