"""Audit rows younger than the minimum retention (180 days) can never be deleted; older ones may be
purged by ``zhijiao purgeaudit``. Updates stay refused whatever the age."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION zhijiao_audit_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.occurred_at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除（保存期不少于 180 天）';
END;
$$ LANGUAGE plpgsql;
"""
PG_DOWN = """
CREATE OR REPLACE FUNCTION zhijiao_audit_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '审计记录只能追加，不能修改或删除';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_security_identity")]
    operations = [migrations.RunPython(forwards, backwards)]
