"""How a dose and a load band read on every page: the library, the builder, Today, print."""

from decimal import Decimal
from typing import Protocol

from django import template
from django.template.defaultfilters import floatformat, pluralize
from django.utils.html import format_html

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


def _stage_of(item: object) -> Stage | None:
    """The stage a dose follows: the item itself, or the stage it resolved to or fixes (without
    loading one that is not there)."""
    if isinstance(item, Stage):
        return item
    loaded = getattr(getattr(item, "_state", None), "fields_cache", {})
    if "stage" not in loaded and getattr(item, "stage_id", True) is None:
        return None
    stage = getattr(item, "stage", None)
    return stage if isinstance(stage, Stage) else None


@register.filter
def per_side(item: Dosed, exercise: Exercise | None = None) -> bool:
    """Whether the item is done (and logged, and timed) one side at a time: its stage's
    laterality where the stage has one, else its exercise's."""
    stage = _stage_of(item)
    laterality = (stage.laterality if stage else "") or (exercise or item.exercise).laterality
    return laterality != Exercise.Laterality.BILATERAL


@register.filter
def dose(item: Dosed, exercise: Exercise | None = None) -> str:
    """A dose in words, “3 sets × 8 per side, hold 60 s @ 10 lb, rest 90 s”; empty if none.

    "Per side" is said once, after the reps (else the hold), and only for work done one side at
    a time: the stage's laterality where it has one (the two-foot set-up of a single-leg hold is
    done on both feet), else the exercise's. A timed exercise reads "4 sets × 20 s". A
    prescription's load follows the volume; a stage's load band is `load_band`'s. Pass
    `exercise` when `item.exercise` is not already loaded.
    """
    exercise = exercise or item.exercise
    per_side_words = " per side" if per_side(item, exercise) else ""
    sets, reps, hold = item.sets, item.reps_per_side, item.hold_seconds
    timed = hold and not reps and exercise.measurement == Exercise.Measurement.TIME
    parts = []
    if timed:
        effort = f"{hold} s{per_side_words}"
        parts.append(f"{sets} set{pluralize(sets)} × {effort}" if sets else effort)
    elif sets and reps:
        parts.append(f"{sets} set{pluralize(sets)} × {reps}{per_side_words}")
    elif sets:
        parts.append(f"{sets} set{pluralize(sets)}")
    elif reps:
        parts.append(f"{reps} rep{pluralize(reps)}{per_side_words}")
    if hold and not timed:
        parts.append(f"hold {hold} s{'' if reps else per_side_words}")
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


# --- what the product chose where the training material gives no figure --------------------

# How a stage's default figures read, by group: its dose, its load and its criteria.
DEFAULT_WORDS = {
    "dose": {
        "sets": "sets",
        "reps_per_side": "reps",
        "hold_seconds": "hold",
        "rest_seconds": "rest",
    },
    "load": {"load": "load"},
    "criteria": {
        "criteria_sessions": "sessions in a row",
        "criteria_min_form": "form",
        "criteria_max_gap_pct": "left/right gap",
        "criteria_min_hold_seconds": "hold",
    },
}


def joined(words: list[str]) -> str:
    """Words in a sentence: "sets, reps and rest"."""
    return " and ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


@register.filter
def defaults_in(stage: Stage, group: str) -> str:
    """A stage's figures of one group ("dose", "load", "criteria") that are product defaults,
    in words: "sets and rest"; empty when the training material gives them all."""
    return joined([word for name, word in DEFAULT_WORDS[group].items() if stage.is_default(name)])


@register.simple_tag
def default_mark(figures: str = "", *, rung: bool = False) -> str:
    """The coach's small "default" mark, with a tooltip saying what the product chose: these
    `figures`, or (`rung`) the step itself. Empty when there is nothing to mark. Never on a
    client's page."""
    if rung:
        why = "A step of this product's: the training material has no such rung."
    elif figures:
        why = (
            f"Product default ({figures}): the training material gives no figure here. "
            "Your own values replace it."
        )
    else:
        return ""
    return format_html(
        '<small class="badge badge-soft default-mark" title="{}">default'
        '<span class="visually-hidden">: {}</span></small>',
        why,
        why,
    )
