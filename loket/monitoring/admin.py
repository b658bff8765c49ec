from django.contrib import admin

from loket.monitoring import models


@admin.register(models.ActionLine)
class ActionLineAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "position"]


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "action_line", "measure"]
    list_filter = ["measure"]


@admin.register(models.Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "period", "year", "quarter", "minimum", "maximum"]


@admin.register(models.Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["programme", "kind", "year", "quarter", "organisation"]


@admin.register(models.BusinessCase)
class BusinessCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "organisation", "started_on"]
    raw_id_fields = ["company"]


@admin.register(models.SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    list_display = ["region", "active", "delay_days", "reminder_days", "valid_days"]
