# A migration of its own: on PostgreSQL, a table cannot be altered in the transaction that has
# just filled its foreign key (the key's checks are still pending).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0007_assignment_coach"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assignment",
            name="coach",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="assignments",
                to="coach.coach",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["coach", "-starts_on", "-id"], name="assignment_coach_newest"
            ),
        ),
    ]
