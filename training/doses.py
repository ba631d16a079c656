"""A client's dose and load: the prescription's own values over their stage's."""

from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat

from exercises.models import LOAD_PAIRS, Stage
from exercises.templatetags.dose import per_side
from programs.doses import ResolvedDose, dose_values
from programs.models import Prescription

LB_PER_KG = Decimal("2.20462")


def _kg(value: Decimal) -> str:
    return floatformat(value / LB_PER_KG, 1)


def _band(low: Decimal | None, high: Decimal | None, unit: str, prefers_kg: bool) -> str:
    if low is None or high is None:
        return ""
    text = f"{floatformat(low, -1)}–{floatformat(high, -1)} {unit}".strip()
    if prefers_kg and unit == "lb":
        text += f" ({_kg(low)}–{_kg(high)} kg)"
    return text


def load_for_client(stage: Stage, *, sex: str, prefers_kg: bool = False) -> str:
    """The load a client of this sex works with on a stage: the starting band, and the band to
    build toward for their sex (both named, women's and men's, when sex is not given)."""
    unit = stage.load_unit
    general, women, men = (
        _band(getattr(stage, low), getattr(stage, high), unit, prefers_kg)
        for low, high in LOAD_PAIRS
    )
    target = {"female": women, "male": men}.get(sex)
    if target is None:
        target = " / ".join(
            f"{text} ({who})" for who, text in (("women", women), ("men", men)) if text
        )
    if general and target:
        return f"{general}, building to {target}"
    return general or target


@dataclass(kw_only=True)
class Dose(ResolvedDose):
    """What the client does for one prescription at their resolved stage (their own, or the
    one the program fixes), with the coach's notes."""

    load_text: str
    tempo: str
    target_rpe: Decimal | None
    notes: str

    @property
    def is_per_side(self) -> bool:
        """Dosed and timed per side: the stage's own laterality wins over the exercise's."""
        return per_side(self)

    def as_dict(self) -> dict[str, object]:
        return {
            "sets": self.sets,
            "reps_per_side": self.reps_per_side,
            "hold_seconds": self.hold_seconds,
            "rest_seconds": self.rest_seconds,
            "load": str(self.load) if self.load is not None else None,
            "load_unit": self.load_unit,
            "load_text": self.load_text,
            "tempo": self.tempo,
            "target_rpe": str(self.target_rpe) if self.target_rpe is not None else None,
            "notes": self.notes,
            "from_stage": sorted(self.from_stage),
        }


def dose_resolve(
    prescription: Prescription, stage: Stage | None, *, sex: str = "", prefers_kg: bool = False
) -> Dose:
    """The prescription's dose where the coach set it, the stage's where they did not."""
    values, from_stage = dose_values(prescription, stage)
    if prescription.load is not None:
        load_text = f"{floatformat(prescription.load, -1)} {prescription.load_unit}".strip()
        if prefers_kg and prescription.load_unit == "lb":
            load_text += f" ({_kg(prescription.load)} kg)"
    elif stage is not None:
        load_text = load_for_client(stage, sex=sex, prefers_kg=prefers_kg)
        if load_text:
            from_stage.add("load")
    else:
        load_text = ""
    return Dose(
        exercise=prescription.exercise,
        stage=stage,
        load=prescription.load,
        load_unit=prescription.load_unit or (stage.load_unit if stage else ""),
        load_text=load_text,
        tempo=prescription.tempo,
        target_rpe=prescription.target_rpe,
        notes=prescription.notes,
        from_stage=from_stage,
        **values,
    )
