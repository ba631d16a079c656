from django.db import migrations, models

# Ways the free-text unit was written, by the unit each means.
SPELLINGS = {
    "lb": {"lb", "lbs", "pound", "pounds", "#"},
    "kg": {"kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"},
    "band": {"band", "bands", "mini band", "tube", "tubing"},
    "bodyweight": {"bodyweight", "body weight", "body-weight", "bw"},
}
UNIT_OF = {spelling: unit for unit, spellings in SPELLINGS.items() for spelling in spellings}
# A unit written some other way ("dumbbell", "plates") is a weight: in pounds, the unit a log
# falls back to when it names none.
FALLBACK = "lb"


def unit_for(text: str) -> str:
    written = " ".join(text.strip().lower().rstrip(".").split())
    if not written:
        return ""
    if written in UNIT_OF:
        return UNIT_OF[written]
    for unit in ("kg", "band"):
        if unit in written:
            return unit
    return FALLBACK


def units_to_choices(apps, schema_editor):
    Stage = apps.get_model("exercises", "Stage")
    written = Stage.objects.exclude(load_unit="").values_list("load_unit", flat=True)
    for text in set(written):
        unit = unit_for(text)
        if unit != text:
            Stage.objects.filter(load_unit=text).update(load_unit=unit)


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0005_exercise_warm_up_drill"),
    ]

    operations = [
        migrations.RunPython(units_to_choices, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="stage",
            name="load_unit",
            field=models.CharField(
                blank=True,
                choices=[
                    ("lb", "lb (pounds)"),
                    ("kg", "kg (kilograms)"),
                    ("band", "Resistance band"),
                    ("bodyweight", "Bodyweight"),
                ],
                help_text="What the load is measured in; empty for none.",
                max_length=12,
            ),
        ),
    ]
