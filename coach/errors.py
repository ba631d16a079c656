"""The one domain error type. Services raise it; the API and the pages turn it into messages."""

from collections.abc import Mapping
from typing import Any, Self

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm


class DomainError(Exception):
    """A rule of the domain was broken by the input. `field` names the input it concerns;
    `details` are facts a program can act on (the API adds them to its error body)."""

    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = dict(details or {})
        if code:
            self.code = code

    @classmethod
    def from_validation_error(cls, error: ValidationError, *, prefix: str = "") -> Self:
        """The first message of a model's `ValidationError`, on the input it concerns.

        `prefix` places a nested row's fields under their input (`"stages.0."` gives
        `"stages.0.name"`); an error of the whole row falls on the prefix itself, or on no
        field at all.
        """
        whole_row = prefix.rstrip(".") or None
        if hasattr(error, "error_dict"):
            field, messages = next(iter(error.message_dict.items()))
            name = whole_row if field == NON_FIELD_ERRORS else f"{prefix}{field}"
            return cls(messages[0], field=name)
        return cls(error.messages[0], field=whole_row)

    def as_field_errors(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class NotAllowed(DomainError):
    """The input is fine, but this user may not do this (e.g. change the shared library)."""

    code = "permission_denied"


def add_to_form(form: BaseForm, error: DomainError) -> None:
    """Show `error` on `form`: under its field when the form has a field of that name, else
    above the form. A service names its own inputs, which a form need not share: this never
    raises for a field the form lacks."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
