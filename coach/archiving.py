"""Archiving: rows are hidden, never deleted. Shared by clients, exercises and programs."""

from django.db.models import Model
from django.utils import timezone


def archived_set(instance: Model, *, archived: bool) -> bool:
    """Set or clear the row's `archived_at`, saving only when it changes.

    Returns whether it changed.
    """
    if (getattr(instance, "archived_at", None) is not None) == archived:
        return False
    instance.archived_at = timezone.now() if archived else None  # type: ignore[attr-defined]
    instance.save(update_fields=["archived_at", "updated_at"])
    return True
