"""Writes of a client's training: stages moved by the coach, readiness, session and set logs."""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from coach.common import logs_changed, model_update, plans_changed
from coach.compiled import Compiled
from coach.errors import DomainError
from coach.models import Client, Coach, User
from exercises.models import Exercise, Stage
from programs.models import Assignment, Prescription
from programs.schedule import day_at, offset_on
from training import webhook_payloads
from training.doses import dose_resolve
from training.models import ClientStage, SessionLog, SetLog, StageChange
from training.progress import asymmetry_index, side_totals
from training.selectors import stages_of
from training.summaries import summary_changed

# Long texts a logged set never reads of its exercise and stage.
UNSHOWN_EXERCISE_FIELDS = tuple(
    f"exercise__{f}"
    for f in ("summary", "instructions", "cues", "faults", "breathing", "video_url", "sources")
)
UNSHOWN_STAGE_FIELDS = ("stage__description", "stage__criteria_note")
SESSION_FIELDS = ("status", "skip_reason", "effort", "note", "video_url")
SET_FIELDS = ("reps", "hold_seconds", "load", "load_unit", "support", "rpe", "form", "note")
# What one set of a logged session names: an error on these belongs to that set.
SET_INPUTS = frozenset(
    (*SET_FIELDS, "prescription", "exercise", "set_number", "side", "client_uuid")
)


# --- stages --------------------------------------------------------------------------------


@transaction.atomic
def client_stage_set(
    *, by: User | None, client: Client, exercise: Exercise, stage: Stage, reason: str = ""
) -> ClientStage:
    """Put the client on a rung of the exercise's ladder, with a row of history. `by` is the
    coach (None only when the system sets the first rung)."""
    if client.archived_at is not None:
        raise DomainError("Restore this client before moving them between stages.")
    if stage.exercise_id != exercise.pk:
        raise DomainError("Choose a stage of this exercise.", field="stage")
    row = (
        ClientStage.objects.select_for_update()
        .filter(client=client, exercise=exercise)
        .select_related("stage")
        .first()
    )
    if by is None and row is not None:
        # The first rung, set by the system, was set meanwhile (by a coach's move, say): kept.
        return row
    from_stage = (
        row.stage if row else stages_of(client=client, exercise_ids={exercise.pk}).get(exercise.pk)
    )
    if row is None:
        row = ClientStage(client=client, exercise=exercise, stage=stage)
    elif row.stage_id == stage.pk:
        return row
    row.stage = stage
    row.ready_since = None
    row.ready_evidence = []
    row.save()
    if by is None:
        # The first rung, stored as the client first logs the exercise: the stage they stood on
        # already (their program and the coach's client page read the same), with its first row
        # of history.
        logs_changed(client_id=client.pk, before_today=False)
    else:
        plans_changed(client_id=client.pk)
    change = StageChange.objects.create(
        client=client,
        exercise=exercise,
        from_stage=from_stage if from_stage and from_stage.pk != stage.pk else None,
        to_stage=stage,
        changed_by=by,
        reason=reason.replace("\x00", "")[:300],
    )
    webhook_payloads.stage_changed(change=change, client=client)
    if by is not None:  # the system's first rung changes nothing the dashboard shows
        summary_changed(client=client)
    return row


def client_stage_step(
    *, by: User, client: Client, exercise: Exercise, up: bool, reason: str = ""
) -> ClientStage:
    """Move the client one rung up (or down) the exercise's ladder."""
    ladder = list(exercise.stages.order_by("order"))
    if not ladder:
        raise DomainError("This exercise has no stages.", field="exercise")
    current = stages_of(client=client, exercise_ids={exercise.pk})[exercise.pk]
    index = next(i for i, s in enumerate(ladder) if s.pk == current.pk) + (1 if up else -1)
    if not 0 <= index < len(ladder):
        raise DomainError(
            "This is the top of the ladder." if up else "This is the first rung.", field="stage"
        )
    return client_stage_set(
        by=by, client=client, exercise=exercise, stage=ladder[index], reason=reason
    )


def _side_totals(sets: list[SetLog], measurement: str) -> dict[str, Decimal]:
    return side_totals(sets, measurement)


def asymmetry(sets: list[SetLog], measurement: str) -> Decimal | None:
    """|L − R| ÷ max(L, R) for one session's sets, in the exercise's own measure; None when a
    side is missing."""
    totals = _side_totals(sets, measurement)
    return asymmetry_index(totals.get("left"), totals.get("right"))


# What `readiness_evaluate` is given when its caller has not read the client's stage row.
UNREAD: Any = object()


_STAGE_ROW: Compiled[ClientStage] = Compiled(
    lambda client_id, exercise_id: (
        ClientStage.objects.filter(client_id=client_id, exercise_id=exercise_id)
        .select_related("stage")
        .defer(*UNSHOWN_STAGE_FIELDS)[:1]
    ),
    ids=2,
)


def _stage_row(*, client: Client, exercise_id: int) -> ClientStage | None:
    """The client's own stage row for the exercise, with its stage (long texts left out)."""
    return _STAGE_ROW.first(client.pk, exercise_id)


@lru_cache(maxsize=64)
def _latest_sessions_of(count: int) -> Compiled[SessionLog]:
    """The client's latest `count` sessions with a set of the exercise (compiled once per count:
    a ladder asks for a few)."""
    return Compiled(
        lambda client_id, exercise_id: (
            SessionLog.objects.alive()
            .filter(client_id=client_id)
            .filter(
                Exists(
                    SetLog.objects.alive().filter(session=OuterRef("pk"), exercise_id=exercise_id)
                )
            )
            .order_by("-on", "-id")[:count]
        ),
        ids=2,
    )


# The client's sets of the exercise in their sessions from a day on.
_SETS_SINCE: Compiled[SetLog] = Compiled(
    lambda client_id, exercise_id, since: (
        SetLog.objects.alive()
        .filter(
            session__client_id=client_id,
            exercise_id=exercise_id,
            session__on__gte=since,
            session__deleted_at__isnull=True,
        )
        .order_by("id")
    ),
    ids=2,
    dates=1,
)


def _latest_sessions_with(*, client_id: int, exercise_id: int, count: int) -> list[SessionLog]:
    """The client's latest `count` sessions with a set of the exercise, newest first, each with
    its sets of the exercise (`exercise_sets`): two queries."""
    sessions = _latest_sessions_of(count)(client_id, exercise_id)
    if not sessions:
        return []
    sets: dict[int, list[SetLog]] = {session.pk: [] for session in sessions}
    for set_log in _SETS_SINCE(client_id, exercise_id, sessions[-1].on):
        if set_log.session_id in sets:
            sets[set_log.session_id].append(set_log)
    for session in sessions:
        session.exercise_sets = sets[session.pk]  # type: ignore[attr-defined]
    return sessions


def readiness_evaluate(
    *, client: Client, exercise: Exercise, row: ClientStage | None = UNREAD
) -> ClientStage | None:
    """Check the client's stage criteria against their logs and flag readiness to move up.

    The last `criteria_sessions` sessions logged at the current stage must each meet the
    minimum form, the largest left/right gap and the target hold; late logs count (the
    evidence marks them). `row`: the client's stage row for the exercise (None: they have
    none), when the caller has just read it.
    """
    if row is UNREAD:
        row = _stage_row(client=client, exercise_id=exercise.pk)
    if row is not None:
        stage = row.stage
    else:
        first = stages_of(client=client, exercise_ids={exercise.pk}).get(exercise.pk)
        if first is None:
            return None
        stage = first
        row = client_stage_set(
            by=None, client=client, exercise=exercise, stage=stage, reason="First rung"
        )
        stage = row.stage  # (the row set meanwhile, if any)
    if not stage.has_criteria:
        return row
    needed = stage.criteria_sessions or 1
    sessions = _latest_sessions_with(client_id=client.pk, exercise_id=exercise.pk, count=needed)
    evidence = []
    for session in sessions:
        sets = session.exercise_sets  # type: ignore[attr-defined]
        # Only sessions wholly at the current stage count towards moving up from it.
        if any(s.stage_id != stage.pk for s in sets):
            break
        if not _meets(stage, exercise, sets):
            break
        evidence.append(
            {"session": session.pk, "on": session.on.isoformat(), "late": session.is_late}
        )
    ready = len(evidence) == needed
    if (ready, evidence if ready else []) == (row.ready_since is not None, row.ready_evidence):
        return row  # unchanged: nothing to store, and no new version for sync readers
    if ready and row.ready_since is None:
        row.ready_since = timezone.now()
    elif not ready:
        row.ready_since = None
    row.ready_evidence = evidence if ready else []
    row.save(update_fields=["ready_since", "ready_evidence", "updated_at"])
    return row


def _meets(stage: Stage, exercise: Exercise, sets: list[SetLog]) -> bool:
    if stage.criteria_min_form is not None and any(
        s.form is None or s.form < stage.criteria_min_form for s in sets
    ):
        return False
    if (stage.laterality or exercise.laterality) != Exercise.Laterality.BILATERAL and (
        stage.criteria_max_gap_pct is not None
    ):
        gap = asymmetry(sets, exercise.measurement)
        if gap is None or gap * 100 > stage.criteria_max_gap_pct:
            return False
    if stage.criteria_min_hold_seconds is not None:
        sides = {s.side for s in sets}
        best = {side: max((s.hold_seconds or 0) for s in sets if s.side == side) for side in sides}
        if not best or min(best.values()) < stage.criteria_min_hold_seconds:
            return False
    return True


# --- the dashboard --------------------------------------------------------------------------


def coach_threshold_set(*, coach: Coach, percent: int) -> Coach:
    """The left/right gap (in %) above which the coach's dashboard flags a client."""
    model_update(
        instance=coach,
        fields=("asymmetry_threshold_pct",),
        data={"asymmetry_threshold_pct": percent},
    )
    return coach


# --- logs ----------------------------------------------------------------------------------


def _check_date(*, client: Client, assignment: Assignment, on: date) -> int:
    """The program offset of `on`, refusing dates in the future and outside the assignment."""
    if assignment.client_id != client.pk:
        raise DomainError("Choose one of this client's programs.", field="assignment")
    if client.archived_at is not None:
        raise DomainError("Restore this client before logging their training.")
    if on > client.local_today():
        raise DomainError("You cannot log a day that has not come yet.", field="on")
    if (
        assignment.status in (Assignment.Status.CANCELLED, Assignment.Status.COMPLETED)
        and assignment.ended_on is not None
        and on > assignment.ended_on
    ):
        raise DomainError("This program had ended by then.", field="on")
    offset = offset_on(assignment=assignment, on=on)
    if offset is None:
        raise DomainError("This date is not a day of the program.", field="on")
    return offset


# An assignment's session of a day (read by every log).
_DAY_SESSION: Compiled[SessionLog] = Compiled(
    lambda assignment_id, on: (
        SessionLog.objects.alive().filter(assignment_id=assignment_id, on=on).order_by("id")[:1]
    ),
    ids=1,
    dates=1,
)


def _session_for(*, by: User, client: Client, assignment: Assignment, on: date) -> SessionLog:
    offset = _check_date(client=client, assignment=assignment, on=on)
    session = _DAY_SESSION.first(assignment.pk, on)
    if session is not None:
        return session
    day = assignment.program.days.filter(
        **day_at(program=assignment.program, start=assignment.starts_on, offset=offset)
    ).first()
    try:
        with transaction.atomic():
            return SessionLog.objects.create(
                client=client,
                assignment=assignment,
                on=on,
                day_number=day.number if day else None,
                is_late=on < client.local_today(),
                entered_by=by,
            )
    except IntegrityError:  # another request created it first
        return SessionLog.objects.alive().get(assignment=assignment, on=on)


@transaction.atomic
def session_log_save(
    *,
    by: User,
    client: Client,
    assignment: Assignment,
    on: date,
    data: Mapping[str, Any],
    session: SessionLog | None = None,
) -> SessionLog:
    """Create or change the client's session of a day: status (done, partial, skipped with a
    reason), overall effort, note, a form-check video link. `session`: that day's session,
    when the caller has just read it."""
    return _session_log_save(
        by=by, client=client, assignment=assignment, on=on, data=data, session=session
    )


def _session_log_save(
    *,
    by: User,
    client: Client,
    assignment: Assignment,
    on: date,
    data: Mapping[str, Any],
    session: SessionLog | None,
) -> SessionLog:
    # (in the caller's transaction, with no savepoint of its own)
    if (
        session is None
        or session.deleted_at is not None
        or (session.assignment_id, session.on) != (assignment.pk, on)
    ):
        session = _session_for(by=by, client=client, assignment=assignment, on=on)
    else:
        # (what `_session_for` checks first: the client, the program and the date)
        _check_date(client=client, assignment=assignment, on=on)
    data = dict(data)
    if data.get("status") == SessionLog.Status.SKIPPED and not (
        data.get("skip_reason") or session.skip_reason
    ):
        raise DomainError("Say why the session was skipped.", field="skip_reason")
    model_update(instance=session, fields=SESSION_FIELDS, data=data)
    _day_changed(client, on)
    if session.status != SessionLog.Status.OPEN and session.completed_at is None:
        session.completed_at = timezone.now()
        session.save(update_fields=["completed_at", "updated_at"])
        webhook_payloads.session_completed(session=session, client=client, assignment=assignment)
    summary_changed(client=client)
    return session


@transaction.atomic
def set_log_create(
    *,
    by: User,
    client: Client,
    assignment: Assignment,
    on: date,
    prescription_id: int | None,
    exercise_id: int | None = None,
    data: Mapping[str, Any],
    client_uuid: UUID | None = None,
) -> SetLog:
    """Log one set on one side. A copy of what was prescribed (at the client's stage that day)
    is kept beside it, so later edits to the program never change the history."""
    set_log = _set_log_create(
        by=by,
        client=client,
        assignment=assignment,
        on=on,
        prescription_id=prescription_id,
        exercise_id=exercise_id,
        data=data,
        client_uuid=client_uuid,
    )
    summary_changed(client=client)
    return set_log


# A logged set's prescription in its program, with what the set keeps of it, and whether its
# exercise has a ladder (annotated `has_ladder`).
_PRESCRIPTION: Compiled[Prescription] = Compiled(
    lambda pk, program_id: (
        Prescription.objects.filter(pk=pk, day__program_id=program_id)
        .select_related("exercise", "stage", "day")
        .defer(*UNSHOWN_EXERCISE_FIELDS, *UNSHOWN_STAGE_FIELDS)
        .annotate(has_ladder=Exists(Stage.objects.filter(exercise=OuterRef("exercise_id"))))[:1]
    ),
    ids=2,
)


def _set_log_create(
    *,
    by: User,
    client: Client,
    assignment: Assignment,
    on: date,
    prescription_id: int | None,
    exercise_id: int | None,
    data: Mapping[str, Any],
    client_uuid: UUID | None,
    day_changed: bool = True,
) -> SetLog:
    """`day_changed`: False for a caller that says the day changed itself (once for all the
    sets of a session)."""
    if client_uuid is not None:
        existing = SetLog.objects.filter(client_uuid=client_uuid).select_related("session").first()
        if existing is not None:
            if existing.session.client_id != client.pk:
                raise DomainError("This id is already used.", field="client_uuid")
            return existing
    session = _session_for(by=by, client=client, assignment=assignment, on=on)
    prescription = None
    # The client's own stage row for the exercise, once read (see readiness_evaluate).
    row: ClientStage | None = UNREAD
    if prescription_id is not None:
        prescription = _PRESCRIPTION.first(prescription_id, assignment.program_id)
        if prescription is None:
            raise DomainError("Choose an exercise of this program.", field="prescription")
        exercise = prescription.exercise
        if prescription.stage is not None:
            stage: Stage | None = prescription.stage
        elif not prescription.has_ladder:  # type: ignore[attr-defined]
            stage = None  # no ladder: no stage to look up, no readiness to work out
        else:
            row = _stage_row(client=client, exercise_id=exercise.pk)
            stage = (
                row.stage
                if row is not None
                else stages_of(client=client, exercise_ids={exercise.pk}).get(exercise.pk)
            )
    else:
        named = Exercise.objects.filter(pk=exercise_id).first() if exercise_id else None
        if (
            named is None
            or not assignment.program.days.filter(prescriptions__exercise=named).exists()
        ):
            raise DomainError("Choose an exercise of this program.", field="exercise")
        exercise = named
        stage = stages_of(client=client, exercise_ids={exercise.pk}).get(exercise.pk)
    prescribed: dict[str, Any] = {"exercise": exercise.name}
    if stage is not None:
        prescribed["stage"] = {"id": stage.pk, "order": stage.order, "name": stage.name}
    if prescription is not None:
        prescribed.update(
            dose_resolve(prescription, stage, sex=client.sex, prefers_kg=False).as_dict()
        )
        prescribed["day_number"] = prescription.day.number
    set_log = SetLog(
        session=session,
        prescription=prescription,
        exercise=exercise,
        stage=stage,
        prescribed=prescribed,
        set_number=data.get("set_number") or 1,
        side=data.get("side") or SetLog.Side.BOTH,
        is_late=session.is_late or on < client.local_today(),
        entered_by=by,
        client_uuid=client_uuid,
    )
    model_update(instance=set_log, fields=SET_FIELDS, data=data, save=False)
    if set_log.side not in SetLog.Side.values:
        raise DomainError("Choose left, right or both.", field="side")
    if set_log.load is not None and not set_log.load_unit:
        set_log.load_unit = (stage.load_unit if stage else "") or "lb"
    try:
        # Field validators only: the check constraints repeat them, and checking constraints
        # here would cost a query each for every set logged.
        set_log.full_clean(
            exclude=["session", "prescription", "exercise", "stage", "entered_by", "client_uuid"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error
    if client_uuid is None:
        set_log.save()  # nothing unique to clash on
        return _set_logged(
            set_log, client=client, assignment=assignment, row=row, day_changed=day_changed
        )
    try:
        with transaction.atomic():
            set_log.save()
    except IntegrityError:
        # The same set sent twice at once: the insert waited for the other request, which
        # stored it first; its row is the answer to both.
        existing = SetLog.objects.filter(client_uuid=client_uuid).select_related("session").first()
        if existing is None:
            raise
        if existing.session.client_id != client.pk:
            raise DomainError("This id is already used.", field="client_uuid") from None
        return existing
    return _set_logged(
        set_log, client=client, assignment=assignment, row=row, day_changed=day_changed
    )


def _set_logged(
    set_log: SetLog,
    *,
    client: Client,
    assignment: Assignment,
    row: ClientStage | None,
    day_changed: bool = True,
) -> SetLog:
    """What follows a set stored: the webhook, the session open again, readiness."""
    session = set_log.session
    webhook_payloads.set_log_created(set_log=set_log, client=client, assignment=assignment)
    if session.status == SessionLog.Status.SKIPPED:
        session.status = SessionLog.Status.OPEN
        session.save(update_fields=["status", "updated_at"])
    if day_changed:
        _day_changed(client, session.on)
    if set_log.stage is not None:  # else no ladder to move up: the exercise has no stages
        readiness_evaluate(client=client, exercise=set_log.exercise, row=row)
    return set_log


def _day_changed(client: Client, on: date) -> None:
    """What the client logged on `on` changed (see coach.common.logs_changed)."""
    logs_changed(client_id=client.pk, before_today=on < client.local_today(), on=on)


@transaction.atomic
def set_log_update(*, set_log: SetLog, data: Mapping[str, Any]) -> SetLog:
    """Correct a logged set (the client who logged it)."""
    model_update(instance=set_log, fields=(*SET_FIELDS, "side", "set_number"), data=data)
    _day_changed(set_log.session.client, set_log.session.on)
    readiness_evaluate(client=set_log.session.client, exercise=set_log.exercise)
    summary_changed(client=set_log.session.client)
    return set_log


@transaction.atomic
def set_log_delete(*, set_log: SetLog) -> None:
    """Soft delete: sync readers see it go (`updated_since`), and nothing else is lost."""
    set_log.deleted_at = timezone.now()
    set_log.save(update_fields=["deleted_at", "updated_at"])
    _day_changed(set_log.session.client, set_log.session.on)
    readiness_evaluate(client=set_log.session.client, exercise=set_log.exercise)
    summary_changed(client=set_log.session.client)


@transaction.atomic
def session_log_delete(*, session: SessionLog) -> None:
    now = timezone.now()
    session.sets.alive().update(deleted_at=now, updated_at=now)
    session.deleted_at = now
    session.save(update_fields=["deleted_at", "updated_at"])
    _day_changed(session.client, session.on)
    for exercise in Exercise.objects.filter(set_logs__session=session).distinct():
        readiness_evaluate(client=session.client, exercise=exercise)
    summary_changed(client=session.client)


def session_log_comment(*, session: SessionLog, comment: str) -> SessionLog:
    """The coach's comment on a client's session."""
    comment = comment.replace("\x00", "")  # PostgreSQL refuses NUL in text
    model_update(instance=session, fields=("coach_comment",), data={"coach_comment": comment})
    # Shown with the day's session alone.
    logs_changed(client_id=session.client_id, before_today=False, on=session.on)
    return session


@transaction.atomic
def session_log_enter(
    *,
    by: User,
    client: Client,
    assignment: Assignment,
    on: date,
    data: Mapping[str, Any],
    sets: Sequence[Mapping[str, Any]] = (),
) -> SessionLog:
    """A day's session made or found, each set added (`prescription` or `exercise`,
    `set_number`, `side`, what was done, an optional `client_uuid`), then how it went: a client
    logging through the API, or a coach entering a session for a client. Nothing is stored when
    any part is refused; a set's error names its input (`sets.2.side`)."""
    session = None
    for index, item in enumerate(sets):
        try:
            session = _set_log_create(
                by=by,
                client=client,
                assignment=assignment,
                on=on,
                prescription_id=item.get("prescription"),
                exercise_id=item.get("exercise"),
                data=item,
                client_uuid=item.get("client_uuid"),
                day_changed=False,  # said once for all, by _session_log_save below
            ).session
        except DomainError as error:
            if error.field is None or error.field in SET_INPUTS:
                field = f"sets.{index}.{error.field}" if error.field else f"sets.{index}"
                raise DomainError(error.message, field=field, code=error.code) from error
            raise
    return _session_log_save(
        by=by, client=client, assignment=assignment, on=on, data=data, session=session
    )
