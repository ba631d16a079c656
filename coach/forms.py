from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from coach.models import (
    MAX_ID,
    TIME_ZONES,
    Client,
    PersonalAccessToken,
    User,
    time_zone_choices,
)
from coach.webhooks import EVENTS


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with an id past the largest one an invalid choice like any unknown id,
    not a database error (SQLite cannot even bind such a number to its query)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            try:
                number = int(str(pk))
            except ValueError:
                continue  # not a number: Django says so
            if not -MAX_ID <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]


class TimeZoneInput(forms.TextInput):
    """A text box that suggests time zones as the user types (an HTML <datalist>), rather than a
    drop-down of several hundred names to scroll through."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        defaults = {"autocomplete": "off", "spellcheck": "false", "data-time-zone": ""}
        super().__init__({**defaults, **(attrs or {})})

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or f'id_{name}'}_choices"
        box = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', time_zone_choices())
        return SafeString(box + format_html('<datalist id="{}">{}</datalist>', list_id, options))


# Folds what people type into the IANA spelling: "america/new york" -> "America/New_York", and
# a city alone, "auckland", to its zone when no other zone ends in that name.
_TIME_ZONES_FOLDED = {name.casefold(): name for name in TIME_ZONES}
_CITIES: dict[str, list[str]] = {}
for _name in sorted(TIME_ZONES):
    _CITIES.setdefault(_name.rsplit("/", 1)[-1].casefold(), []).append(_name)
_TIME_ZONES_FOLDED |= {
    city: names[0]
    for city, names in _CITIES.items()
    if len(names) == 1 and city not in _TIME_ZONES_FOLDED
}


class TimeZoneField(forms.ChoiceField):
    """An IANA time zone, typed with suggestions; only the names in TIME_ZONES are accepted.

    Left empty on a new form, the page fills in the browser's own zone
    (static/js/time_zone.js)."""

    widget = TimeZoneInput
    default_error_messages = {
        "required": "Enter a time zone, e.g. Europe/London.",
        "invalid_choice": "“%(value)s” is not a time zone we know. Pick one of the names "
        "suggested as you type.",
    }

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("help_text", "Type a city or region, e.g. “London” or “New York”.")
        super().__init__(choices=time_zone_choices, **kwargs)

    def to_python(self, value: Any) -> str:
        typed = " ".join(super().to_python(value).split())
        return _TIME_ZONES_FOLDED.get(typed.replace(" ", "_").casefold(), typed)


def suggest_browser_time_zone(form: forms.BaseForm, name: str = "time_zone") -> None:
    """Marks the time-zone box of a new, empty form for the browser to fill in its own zone."""
    if not form.is_bound and not form.initial.get(name):
        form.fields[name].widget.attrs["data-browser-default"] = ""


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        # E-mails are stored in lower case and the login lookup is exact. Lower-casing here also
        # keeps lockouts counting one address, however it is typed.
        return self.cleaned_data["username"].strip().lower()


class PasswordPairForm(forms.Form):
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match.")
        elif first:
            try:
                password_validation.validate_password(first, self._user_for_validation())
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def _user_for_validation(self):
        return None

    def full_clean(self) -> None:
        super().full_clean()
        if not self.errors:
            return
        # The form comes back without the passwords (they are never sent back to the browser):
        # say so beside both boxes, or the first one looks filled in by the browser and only the
        # second gets typed again.
        for name in ("password1", "password2"):
            box = self[name]  # made during cleaning, with the field's help text copied
            box.help_text = format_html(
                '<strong class="retype">Type the password again: it is not kept when the form '
                "comes back.</strong>{}",
                box.help_text,
            )
        # The cursor starts where typing is needed: the first field in error, or the first
        # password box when the error is about the passwords.
        first_error = next(
            name for name in self.fields if name in self.errors or name == "password1"
        )
        self.fields[first_error].widget.attrs["autofocus"] = True


class SignUpForm(PasswordPairForm):
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(
        label="E-mail",
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    practice_name = forms.CharField(
        label="Practice name", max_length=150, required=False, help_text="Shown to your clients."
    )

    field_order = ["name", "email", "practice_name", "password1", "password2"]

    def _user_for_validation(self):
        return User(
            email=self.cleaned_data.get("email", ""), name=self.cleaned_data.get("name", "")
        )


class ClientForm(forms.ModelForm):
    time_zone = TimeZoneField(label="Time zone")

    class Meta:
        model = Client
        fields = ["name", "email", "time_zone", "reminder_time", "sex", "prefers_kg", "notes"]
        widgets = {
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"sex": "Sex (optional)", "time_zone": "Time zone"}
        help_texts = {
            "email": "Where invites and reminders go. A client with a login logs in with an "
            "address of their own, which only they can change.",
            "reminder_time": "Daily reminder, in the client's own time zone.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sex_field = cast(forms.ChoiceField, self.fields["sex"])
        sex_field.choices = [("", "Not given"), *Client.Sex.choices]
        if self.instance._state.adding and "time_zone" not in kwargs.get("initial", {}):
            # Not the model's "UTC": an empty box gets the coach's own zone in the browser.
            self.initial["time_zone"] = ""
        suggest_browser_time_zone(self)

    def validate_unique(self) -> None:
        # Uniqueness per coach is checked by the service, which knows the coach.
        pass


class LoginEmailForm(forms.Form):
    """A new address to log in with, confirmed with the current password."""

    email = forms.EmailField(
        label="New login e-mail",
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a link to this address; the change is made when you open it.",
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("This is not your password.")
        return password


class TokenForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", "In 30 days"),
        ("90", "In 90 days"),
        ("365", "In a year"),
        ("", "Never"),
    ]

    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “watch app” or “spreadsheet”."
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=PersonalAccessToken.Scope.choices,
        initial=PersonalAccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    expires = forms.ChoiceField(
        label="Expires", choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("expires")
        return timezone.now() + timedelta(days=int(days)) if days else None


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where the events are sent, as JSON in a POST.",
    )
    events = forms.MultipleChoiceField(
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    active = forms.BooleanField(
        label="Send events", required=False, initial=True, help_text="Untick to pause sending."
    )
