"""How a dose and a load band read on every page: the library, the builder, Today, print."""

from decimal import Decimal
from typing import Protocol

from django import template
from django.template.defaultfilters import floatformat, pluralize

from exercises.models import LOAD_PAIRS, Exercise, Stage

register = template.Library()


class Dosed(Protocol):
    """A stage or a prescription: both give sets, reps, a hold and rest for one exercise."""

    exercise: Exercise
    sets: int | None
    reps_per_side: int | None
    hold_seconds: int | None
    rest_seconds: int | None


def _amount(value: Decimal, unit: str) -> str:
    return f"{floatformat(value, -1)} {unit}".strip()


@register.filter
def dose(item: Dosed, exercise: Exercise | None = None) -> str:
    """A dose in words, “3 sets × 8 per side, hold 60 s @ 10 lb, rest 90 s”; empty if none.

    "Per side" is said once, after the reps (else the hold), and only for exercises done one
    side at a time. A prescription's load follows the volume; a stage's load band is
    `load_band`'s. Pass `exercise` when `item.exercise` is not already loaded.
    """
    per_side = " per side" if (exercise or item.exercise).is_unilateral else ""
    sets, reps, hold = item.sets, item.reps_per_side, item.hold_seconds
    parts = []
    if sets and reps:
        parts.append(f"{sets} set{pluralize(sets)} × {reps}{per_side}")
    elif sets:
        parts.append(f"{sets} set{pluralize(sets)}")
    elif reps:
        parts.append(f"{reps} rep{pluralize(reps)}{per_side}")
    if hold:
        parts.append(f"hold {hold} s{'' if reps else per_side}")
    text = ", ".join(parts)
    # A client's resolved dose carries its load as text (a stage's band for their sex).
    amount = getattr(item, "load_text", None)
    load = getattr(item, "load", None)
    if amount is None and load is not None:
        amount = _amount(load, getattr(item, "load_unit", ""))
    if amount:
        text = f"{text} @ {amount}" if text else amount
    if item.rest_seconds:
        text = f"{text}, rest {item.rest_seconds} s" if text else f"rest {item.rest_seconds} s"
    return text


@register.filter
def load_band(stage: Stage) -> str:
    """A stage's load bands, “10–20 lb, building to 25–35 lb (women) / 35–45 lb (men)”.

    Without bands, the unit alone (what the stage is loaded with, e.g. "band").
    """

    def band(pair: tuple[str, str]) -> str:
        low, high = (getattr(stage, field) for field in pair)
        return "" if low is None else f"{floatformat(low, -1)}–{_amount(high, stage.load_unit)}"

    general, women, men = (band(pair) for pair in LOAD_PAIRS)
    by_sex = " / ".join(f"{text} ({who})" for who, text in (("women", women), ("men", men)) if text)
    if general and by_sex:
        return f"{general}, building to {by_sex}"
    return general or by_sex or stage.load_unit
