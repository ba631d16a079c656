from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from coach.models import Client, Coach, Invite, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Coach)
class CoachAdmin(admin.ModelAdmin):
    list_display = ["user", "practice_name", "created_at"]
    search_fields = ["user__email", "practice_name"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "coach", "time_zone", "archived_at"]
    list_filter = ["archived_at"]
    search_fields = ["name", "email"]
    list_select_related = ["coach__user"]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["client", "created_at", "expires_at", "sent_at", "accepted_at", "revoked_at"]
    list_select_related = ["client"]
