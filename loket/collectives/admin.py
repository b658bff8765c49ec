from django.contrib import admin

from loket.collectives import models


@admin.register(models.Collective)
class CollectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phase", "formed_on", "region"]
    list_filter = ["region", "kind", "phase"]


@admin.register(models.Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["collective", "company", "role", "joined_on", "left_on"]
    raw_id_fields = ["collective", "company"]


@admin.register(models.TableSession)
class TableSessionAdmin(admin.ModelAdmin):
    list_display = ["collective", "held_at"]


@admin.register(models.CarouselRound)
class CarouselRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "collective", "school", "starts_on", "ends_on"]


@admin.register(models.Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["round", "company", "team", "status", "rating"]
    raw_id_fields = ["company"]
