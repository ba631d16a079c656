"""Mechanics shared by the services of every app."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model

from coach.errors import DomainError

M = TypeVar("M", bound=Model)


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any], save: bool = True
) -> tuple[M, bool]:
    """Set each of `fields` that `data` holds; returns the instance and whether any changed.

    Keys of `data` outside `fields` are ignored, so a service lists what its callers may change.
    When something changed and `save` is true, the written fields are validated (their own
    validators, the model's `clean()`, and the constraints that involve only them; a failure is
    a `DomainError` and nothing is saved) and only the changed fields are saved, with the
    model's `auto_now` timestamp. With `save=False` the values are only set: for a service whose
    rules span several fields or rows, which validates and saves the instance itself.
    """
    fields = list(fields)
    changed = [
        field for field in fields if field in data and getattr(instance, field) != data[field]
    ]
    for field in changed:
        setattr(instance, field, data[field])
    if changed and save:
        meta = instance._meta
        try:
            instance.full_clean(exclude=[f.name for f in meta.fields if f.name not in fields])
        except ValidationError as error:
            raise DomainError.from_validation_error(error) from error
        stamps = [f.name for f in meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*changed, *stamps])
    return instance, bool(changed)
