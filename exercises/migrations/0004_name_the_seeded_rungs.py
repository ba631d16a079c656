"""Give every rung of the seeded shared library its key, so that reseeding updates each rung in
place however the ladders are reordered or extended: the rows that clients stand on, that logs
and programs point at, stay the rows of the same rungs.

The ladders as the library had them before rungs had keys, bottom up: (name, key). A rung is
found by its name, else by its place in the ladder. Running this again changes nothing.
"""

from django.db import migrations

LADDERS = {
    "single-leg-deadlift": [
        ("Supported, unloaded", "supported-unloaded"),
        ("Loaded", "loaded"),
        ("Free-standing, heaviest controlled load", "free-standing"),
    ],
    "leg-lowering": [
        ("Deadbug heel taps", "deadbug-heel-taps"),
        ("Bent-knee leg lowering", "bent-knee"),
        ("Straight-leg lowering", "straight-leg"),
    ],
    "wall-single-leg-hold": [
        ("One-minute hold", "single-leg-1-min"),
        ("Long hold", "single-leg-3-to-5-min"),
        ("Warm-up repetitions", "warm-up-reps"),
    ],
    "single-leg-balance-hold": [
        ("Bodyweight", "bodyweight"),
        ("Light band", "light-band"),
        ("Light dumbbell", "light-dumbbell"),
    ],
    "unstable-surface-balance": [
        ("Eyes open, firm floor", "eyes-open-firm"),
        ("Eyes open, unstable surface", "eyes-open-unstable"),
        ("Eyes closed, unstable surface", "eyes-closed-unstable"),
    ],
}


def name_the_rungs(apps, schema_editor):
    Stage = apps.get_model("exercises", "Stage")
    for slug, ladder in LADDERS.items():
        stages = list(
            Stage.objects.filter(exercise__owner__isnull=True, exercise__slug=slug).order_by(
                "order"
            )
        )
        taken = {stage.key for stage in stages if stage.key}
        by_name = dict(ladder)
        for position, stage in enumerate(stages):
            if stage.key:
                continue
            key = by_name.get(stage.name)
            if key is None and position < len(ladder):
                key = ladder[position][1]
            if key is None or key in taken:
                continue
            stage.key = key
            stage.save(update_fields=["key"])
            taken.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0003_stage_key_laterality_defaults_sources"),
    ]

    operations = [
        migrations.RunPython(name_the_rungs, migrations.RunPython.noop),
    ]
