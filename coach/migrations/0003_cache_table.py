import io

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The database cache's table (the embedded default's shared cache and session store).
    Idempotent: createcachetable leaves an existing table alone, and does nothing when the cache
    is Redis."""
    call_command(
        "createcachetable",
        database=schema_editor.connection.alias,
        verbosity=0,
        stdout=io.StringIO(),
    )


class Migration(migrations.Migration):
    dependencies = [("coach", "0002_client_prefers_kg")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
