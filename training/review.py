"""The coach's review of one logged session: what was prescribed beside what was done, set by
set and side, with the sets that were prescribed and not logged."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.template.defaultfilters import floatformat

from coach.models import Client
from exercises.models import Exercise, Stage
from exercises.templatetags.dose import dose
from programs.models import Prescription
from training.doses import dose_resolve
from training.models import SessionLog, SetLog
from training.selectors import stages_of
from training.services import _side_totals, asymmetry

SIDE_ORDER = [SetLog.Side.LEFT, SetLog.Side.RIGHT, SetLog.Side.BOTH]
SIDE_LABELS = dict(SetLog.Side.choices)


@dataclass
class Prescribed:
    """A prescription as it read when a set was logged (a set's `prescribed` copy) or as it
    reads now (for an exercise of the day with nothing logged). Reads like a dose for the
    `dose` filter."""

    exercise: Exercise
    stage_order: int | None = None
    stage_name: str = ""
    sets: int | None = None
    reps_per_side: int | None = None
    hold_seconds: int | None = None
    rest_seconds: int | None = None
    load_text: str = ""
    tempo: str = ""
    target_rpe: str = ""
    notes: str = ""
    is_per_side: bool = False

    @classmethod
    def from_copy(cls, exercise: Exercise, copy: Mapping[str, Any]) -> "Prescribed":
        stage = copy.get("stage") or {}
        rpe = copy.get("target_rpe")
        return cls(
            exercise=exercise,
            stage_order=stage.get("order"),
            stage_name=stage.get("name", ""),
            sets=copy.get("sets"),
            reps_per_side=copy.get("reps_per_side"),
            hold_seconds=copy.get("hold_seconds"),
            rest_seconds=copy.get("rest_seconds"),
            load_text=copy.get("load_text") or "",
            tempo=copy.get("tempo") or "",
            target_rpe=floatformat(rpe, -1) if rpe else "",
            notes=copy.get("notes") or "",
        )

    @classmethod
    def from_prescription(
        cls, prescription: Prescription, client: Client, stage: Stage | None
    ) -> "Prescribed":
        resolved = dose_resolve(prescription, stage, sex=client.sex, prefers_kg=client.prefers_kg)
        prescribed = cls.from_copy(
            prescription.exercise,
            {
                **resolved.as_dict(),
                "stage": {"order": stage.order, "name": stage.name} if stage else None,
            },
        )
        prescribed.is_per_side = resolved.is_per_side
        return prescribed

    @property
    def text(self) -> str:
        """The whole dose in words, as every page writes it."""
        return dose(self)

    @property
    def per_set(self) -> str:
        """What one set asks for: “8 reps, hold 10 s @ 15 lb”."""
        parts = []
        if self.reps_per_side:
            parts.append(f"{self.reps_per_side} rep{'s' if self.reps_per_side != 1 else ''}")
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} s")
        text = ", ".join(parts)
        if self.load_text:
            text = f"{text} @ {self.load_text}" if text else self.load_text
        return text


@dataclass
class ReviewRow:
    """One set on one side: done (`logged`) or prescribed and not logged (None)."""

    set_number: int
    side: str
    logged: SetLog | None

    @property
    def side_label(self) -> str:
        return SIDE_LABELS.get(self.side, self.side)


@dataclass
class ReviewExercise:
    exercise: Exercise
    prescribed: Prescribed
    in_program: bool
    rows: list[ReviewRow] = field(default_factory=list)
    gap_percent: int | None = None
    lower_side: str = ""

    @property
    def logged_count(self) -> int:
        return sum(1 for row in self.rows if row.logged is not None)

    @property
    def missing_count(self) -> int:
        return sum(1 for row in self.rows if row.logged is None)


def _rows(sets: list[SetLog], prescribed: Prescribed, per_side: bool) -> list[ReviewRow]:
    """Every (set, side) the prescription asks for, each with its logged set or none, and
    every logged set beyond them."""
    expected_sides = [SetLog.Side.LEFT, SetLog.Side.RIGHT] if per_side else [SetLog.Side.BOTH]
    sides = [s for s in SIDE_ORDER if s in expected_sides or any(x.side == s for x in sets)]
    wanted = prescribed.sets or 0
    highest = max([wanted, *(s.set_number for s in sets)])
    rows = []
    for number in range(1, highest + 1):
        for side in sides:
            done = [s for s in sets if s.set_number == number and s.side == side]
            if done:
                rows += [ReviewRow(number, side, s) for s in done]
            elif side in expected_sides and number <= wanted:
                rows.append(ReviewRow(number, side, None))
    return rows


def session_review(*, session: SessionLog) -> list[ReviewExercise]:
    """Each exercise of the session's day in the program's order (then any other exercise
    logged), its prescription as it read when logged (else as it reads now, at the client's
    stage), and each set by side beside it, with the left/right gap. At most six queries."""
    client = session.client
    sets = list(
        session.sets.alive().select_related("exercise", "stage").order_by("set_number", "id")
    )
    prescriptions: list[Prescription] = []
    if session.day_number is not None:
        prescriptions = list(
            Prescription.objects.filter(
                day__program_id=session.assignment.program_id, day__number=session.day_number
            )
            .select_related("exercise", "stage")
            .order_by("order", "id")
        )
    groups: dict[tuple[str, int], list[SetLog]] = {}
    keys = [("p", p.pk) for p in prescriptions]
    for set_log in sets:
        key = (
            ("p", set_log.prescription_id)
            if set_log.prescription_id is not None
            else ("e", set_log.exercise_id)
        )
        if key not in groups and key not in keys:
            keys.append(key)
        groups.setdefault(key, []).append(set_log)
    unlogged = [p for p in prescriptions if ("p", p.pk) not in groups]
    current = (
        stages_of(client=client, exercise_ids={p.exercise_id for p in unlogged if not p.stage_id})
        if any(not p.stage_id for p in unlogged)
        else {}
    )
    by_pk = {p.pk: p for p in prescriptions}
    found = []
    for key in keys:
        logged = groups.get(key, [])
        prescription = by_pk.get(key[1]) if key[0] == "p" else None
        if logged:
            exercise = logged[0].exercise
            prescribed = Prescribed.from_copy(exercise, logged[0].prescribed)
            per_side = any(s.side != SetLog.Side.BOTH for s in logged)
        elif prescription is not None:
            exercise = prescription.exercise
            stage = prescription.stage or current.get(prescription.exercise_id)
            prescribed = Prescribed.from_prescription(prescription, client, stage)
            per_side = prescribed.is_per_side
        else:
            continue
        review = ReviewExercise(
            exercise=exercise,
            prescribed=prescribed,
            in_program=key[0] == "p",
            rows=_rows(logged, prescribed, per_side),
        )
        gap = asymmetry(logged, exercise.measurement) if logged else None
        if gap is not None:
            review.gap_percent = round(gap * 100)
            totals = _side_totals(logged, exercise.measurement)
            if gap and totals["left"] != totals["right"]:
                review.lower_side = "left" if totals["left"] < totals["right"] else "right"
        found.append(review)
    return found


def neighbours(*, session: SessionLog) -> tuple[SessionLog | None, SessionLog | None]:
    """The client's sessions just before and just after this one (two queries)."""
    sessions = SessionLog.objects.alive().filter(client_id=session.client_id)
    earlier = (
        sessions.filter(Q(on__lt=session.on) | Q(on=session.on, id__lt=session.pk))
        .order_by("-on", "-id")
        .first()
    )
    later = (
        sessions.filter(Q(on__gt=session.on) | Q(on=session.on, id__gt=session.pk))
        .order_by("on", "id")
        .first()
    )
    return earlier, later
