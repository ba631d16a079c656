"""Writes of programs, by use case: the builder, copies, assignments and the routine generator.

Callers import from here (`from programs import services`); the modules are where to read.
"""

from programs.services.assignments import (
    assignment_cancel,
    assignment_create_bulk,
    assignment_customise,
    assignment_pause,
    assignment_resume,
    assignments_complete_due,
)
from programs.services.builder import (
    BLOCK_FIELDS,
    DAY_FIELDS,
    DAY_MAX_PRESCRIPTIONS,
    DEFAULT_DOSE,
    PRESCRIPTION_FIELDS,
    PROGRAM_FIELDS,
    block_create,
    block_delete,
    block_update,
    day_update,
    prescription_add,
    prescription_delete,
    prescription_update,
    prescriptions_reorder,
    program_archive,
    program_create,
    program_restore,
    program_structure_save,
    program_update,
    require_own,
    starter_prescription_add,
)
from programs.services.copies import day_duplicate, program_duplicate, week_copy
from programs.services.generator import ROUTINE_MAX_ITEMS, STEP_KINDS, routine_generate

__all__ = [
    "BLOCK_FIELDS",
    "DAY_FIELDS",
    "DAY_MAX_PRESCRIPTIONS",
    "DEFAULT_DOSE",
    "PRESCRIPTION_FIELDS",
    "PROGRAM_FIELDS",
    "ROUTINE_MAX_ITEMS",
    "STEP_KINDS",
    "assignment_cancel",
    "assignment_create_bulk",
    "assignment_customise",
    "assignment_pause",
    "assignment_resume",
    "assignments_complete_due",
    "block_create",
    "block_delete",
    "block_update",
    "day_duplicate",
    "day_update",
    "prescription_add",
    "prescription_delete",
    "prescription_update",
    "prescriptions_reorder",
    "program_archive",
    "program_create",
    "program_duplicate",
    "program_restore",
    "program_structure_save",
    "program_update",
    "require_own",
    "routine_generate",
    "starter_prescription_add",
    "week_copy",
]
