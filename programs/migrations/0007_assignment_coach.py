from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_coach(apps, schema_editor):
    """Each assignment gets its client's coach (only rows without one: safe to run again)."""
    Assignment = apps.get_model("programs", "Assignment")
    Client = apps.get_model("coach", "Client")
    Assignment.objects.filter(coach__isnull=True).update(
        coach_id=Subquery(Client.objects.filter(pk=OuterRef("client_id")).values("coach_id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coach", "0003_cache_table"),
        ("programs", "0006_assignment_starting_stages"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="coach",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="assignments",
                to="coach.coach",
            ),
        ),
        migrations.RunPython(fill_coach, migrations.RunPython.noop, elidable=True),
    ]
