"""The table of the database cache (settings CACHES, core/cache.py)."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    # Creates the table of every database-backed cache in CACHES, if it is missing; nothing for
    # other backends (the test settings' dummy cache).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_ui_labels")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
