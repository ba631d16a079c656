from django.contrib import admin

from reminders.models import CoachDigest, Reminder, ReminderSchedule


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["client", "on", "status", "due_at", "sent_at", "attempts", "reason"]
    list_filter = ["status", "channel", "on"]
    search_fields = ["client__name", "client__email"]
    list_select_related = ["client"]
    date_hierarchy = "on"
    readonly_fields = ["client", "on", "channel", "due_at", "send_until", "created_at"]


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ["client", "enabled", "time_zone", "reminder_time", "next_on", "next_due_at"]
    list_filter = ["enabled"]
    search_fields = ["client__name", "client__email"]
    list_select_related = ["client"]
    readonly_fields = ["client"]


@admin.register(CoachDigest)
class CoachDigestAdmin(admin.ModelAdmin):
    list_display = ["coach", "enabled", "send_time", "time_zone", "last_sent_on", "next_due_at"]
    list_filter = ["enabled"]
    list_select_related = ["coach__user"]
    readonly_fields = ["coach"]
