from typing import Any

from django import forms

from coach.forms import TimeZoneField, suggest_browser_time_zone


class ReminderSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label="Send me a reminder on training days",
        required=False,
        help_text="One e-mail on each day of your program with training, unless you have "
        "already logged it.",
    )
    reminder_time = forms.TimeField(
        label="Time of the reminder",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class DigestSettingsForm(forms.Form):
    enabled = forms.BooleanField(label="Send me the morning digest", required=False)
    send_time = forms.TimeField(
        label="Time of the digest",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = TimeZoneField(label="Your time zone")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        suggest_browser_time_zone(self)
