"""The ledger and its checkpoints cannot be changed or deleted, whatever the application asks of
the database: triggers refuse UPDATE and DELETE on both tables, on PostgreSQL and on SQLite.

TRUNCATE is not a row operation and is left to the database's privileges (the application's role
should not hold it); ``zhijiao ledger verify`` notices a truncated ledger all the same, from the
head row and the signed checkpoints.
"""

from django.db import migrations

from zhijiao.creditbank import triggers


def forwards(apps, schema_editor):
    triggers.install(schema_editor, schema_editor.connection.vendor)


def backwards(apps, schema_editor):
    triggers.remove(schema_editor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("creditbank", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
