"""The webhook events of a client's training: what each says, and the calls that record them.

The services call these where the event happens (`set_log_created` after a set is stored,
and so on); coach.webhooks records them for the coach's endpoints and sends them after commit.
A payload is built only when some endpoint wants the event. Field names are the API's.
"""

from typing import Any

from coach.models import Client
from coach.webhooks import client_payload, emit
from exercises.models import Stage
from programs.models import Assignment
from training.models import SessionLog, SetLog, StageChange


def _stage(stage: Stage | None) -> dict[str, Any] | None:
    if stage is None:
        return None
    return {"id": stage.pk, "order": stage.order, "name": stage.name}


def _assignment(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "program": {"id": assignment.program_id, "name": assignment.program.name},
    }


def _session(session: SessionLog) -> dict[str, Any]:
    return {
        "id": session.pk,
        "on": session.on,
        "day_number": session.day_number,
        "status": session.status,
        "is_late": session.is_late,
    }


def set_log_payload(*, set_log: SetLog, client: Client, assignment: Assignment) -> dict[str, Any]:
    return {
        "set_log": {
            "id": set_log.pk,
            "exercise": {"id": set_log.exercise_id, "name": set_log.exercise.name},
            "stage": _stage(set_log.stage),
            "prescription": set_log.prescription_id,
            "set_number": set_log.set_number,
            "side": set_log.side,
            "reps": set_log.reps,
            "hold_seconds": set_log.hold_seconds,
            "load": set_log.load,
            "load_unit": set_log.load_unit,
            "support": set_log.support,
            "rpe": set_log.rpe,
            "form": set_log.form,
            "note": set_log.note,
            "client_uuid": set_log.client_uuid,
            "logged_at": set_log.logged_at,
            "is_late": set_log.is_late,
        },
        "session": _session(set_log.session),
        "assignment": _assignment(assignment),
        "client": client_payload(client),
    }


def session_payload(
    *, session: SessionLog, client: Client, assignment: Assignment
) -> dict[str, Any]:
    sets = list(session.sets.alive().select_related("exercise").order_by("id"))
    return {
        "session": {
            **_session(session),
            "skip_reason": session.skip_reason,
            "effort": session.effort,
            "note": session.note,
            "completed_at": session.completed_at,
            "set_count": len(sets),
            "exercises": sorted({s.exercise.name for s in sets}),
        },
        "assignment": _assignment(assignment),
        "client": client_payload(client),
    }


def stage_change_payload(*, change: StageChange, client: Client) -> dict[str, Any]:
    return {
        "stage_change": {
            "id": change.pk,
            "exercise": {"id": change.exercise_id, "name": change.exercise.name},
            "from_stage": _stage(change.from_stage),
            "to_stage": _stage(change.to_stage),
            "changed_at": change.changed_at,
            "by_coach": change.changed_by_id is not None,
            "reason": change.reason,
        },
        "client": client_payload(client),
    }


# --- the calls the services make ------------------------------------------------------------


def set_log_created(*, set_log: SetLog, client: Client, assignment: Assignment) -> None:
    """`log.created`: a set was stored (not when an idempotent retry found it stored)."""
    emit(
        coach_id=client.coach_id,
        event="log.created",
        key=f"set_log:{set_log.pk}",
        payload=lambda: set_log_payload(set_log=set_log, client=client, assignment=assignment),
    )


def session_completed(*, session: SessionLog, client: Client, assignment: Assignment) -> None:
    """`session.completed`: the session was finished (done, partly done or skipped) for the
    first time."""
    emit(
        coach_id=client.coach_id,
        event="session.completed",
        key=f"session:{session.pk}",
        payload=lambda: session_payload(session=session, client=client, assignment=assignment),
    )


def stage_changed(*, change: StageChange, client: Client) -> None:
    """`stage.advanced` when the change moved the client up their ladder (to a later rung);
    moves down, and the first rung the system sets, are not advances."""
    if change.changed_by_id is None or change.from_stage is None:
        return
    if change.to_stage.order <= change.from_stage.order:
        return
    emit(
        coach_id=client.coach_id,
        event="stage.advanced",
        key=f"stage_change:{change.pk}",
        payload=lambda: stage_change_payload(change=change, client=client),
    )
