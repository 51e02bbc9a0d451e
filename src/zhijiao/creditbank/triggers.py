"""The database triggers that make the ledger append-only (installed by migration 0002).

Kept here, not only in the migration, so that tests can take them away the way an intruder with
the database's owner rights would — and check that ``ledger verify`` still catches the tampering.
"""

from __future__ import annotations

from typing import Any

TABLES = ("creditbank_ledgerentry", "creditbank_ledgercheckpoint")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION zhijiao_creditbank_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = '学分银行账本只能追加，不能修改或删除（' || TG_TABLE_NAME || '）';
END;
$$ LANGUAGE plpgsql
"""


def install_statements(vendor: str) -> list[str]:
    """SQL creating the triggers on a database of the vendor ("postgresql" or "sqlite")."""
    if vendor == "postgresql":
        return [_PG_FUNCTION] + [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION zhijiao_creditbank_append_only()"
            for table in TABLES
        ]
    if vendor == "sqlite":
        statements = []
        for table in TABLES:
            statements += [
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, '学分银行账本只能追加，不能修改'); END",
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "BEGIN SELECT RAISE(ABORT, '学分银行账本记录不能删除'); END",
            ]
        return statements
    return []


def remove_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES] + [
            "DROP FUNCTION IF EXISTS zhijiao_creditbank_append_only()"
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_{what}"
            for table in TABLES
            for what in ("no_update", "no_delete")
        ]
    return []


def install(executor: Any, vendor: str) -> None:
    """``executor`` is a schema editor or a cursor (anything with ``execute``)."""
    for statement in install_statements(vendor):
        executor.execute(statement)


def remove(executor: Any, vendor: str) -> None:
    for statement in remove_statements(vendor):
        executor.execute(statement)
