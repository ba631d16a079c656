from django.urls import path

from reminders import views

urlpatterns = [
    path("me/settings/reminders/", views.reminder_settings, name="reminder-settings"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="reminder-unsubscribe"),
    path("settings/digest/", views.digest_settings, name="digest-settings"),
]
