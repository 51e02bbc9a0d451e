"""The ledger: a hash chain the database will not let anyone change, and tampering behind the
application's back (triggers taken away, rows edited, deleted or reordered, the chain rewritten)
caught by `ledger verify`, which names the first bad sequence number."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from zhijiao.creditbank import ledger, triggers
from zhijiao.creditbank.data import LedgerKind
from zhijiao.creditbank.management.commands.ledger import Command as LedgerCommand
from zhijiao.creditbank.models import LedgerCheckpoint, LedgerEntry, LedgerHead

pytestmark = pytest.mark.django_db


def append_many(count: int, account: str = "JYTEST000001") -> list[LedgerEntry]:
    with transaction.atomic():
        return [
            ledger.append(LedgerKind.CREDIT, account=account, payload={"n": i, "text": "课程"})
            for i in range(1, count + 1)
        ]


@contextlib.contextmanager
def triggers_removed() -> Iterator[None]:
    """What an intruder with the database owner's rights does first."""
    with connection.cursor() as cursor:
        triggers.remove(cursor, connection.vendor)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            triggers.install(cursor, connection.vendor)


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def verify(**options: object) -> ledger.VerifyReport:
    """``ledger.verify`` walking the chain in one piece — and the same report when it walks it in
    stretches checked apart and joined afterwards, whatever the cut."""
    report = ledger.verify(**options)  # type: ignore[arg-type]
    for parts in (2, 3, 7):
        assert ledger.verify(parts=parts, **options) == report, parts  # type: ignore[arg-type]
    return report


def first_bad() -> int | None:
    return verify().first_bad_seq


# ---------------------------------------------------------------- the chain


def test_entries_form_a_chain_of_sm3_over_the_previous_hash_and_the_canonical_entry():
    entries = append_many(3)

    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == "0" * 64
    for before, entry in zip([None, *entries], entries, strict=False):
        if before is not None:
            assert entry.prev_hash == before.hash
        canonical = ledger.canonical_json(
            {
                "account": entry.account,
                "at": entry.at,
                "kind": entry.kind,
                "payload": json.loads(entry.payload),
                "seq": entry.seq,
            }
        ).encode()
        expected = hashlib.new("sm3", bytes.fromhex(entry.prev_hash) + canonical).hexdigest()
        assert entry.hash == expected
    head = LedgerHead.objects.get()
    assert (head.seq, head.hash) == (3, entries[-1].hash)
    report = verify()
    assert report.intact and report.entries == 3


def test_the_stored_entry_still_hashes_the_same_after_a_round_trip_through_the_database():
    append_many(2)

    for entry in LedgerEntry.objects.order_by("seq"):
        assert ledger.entry_intact(entry)


@pytest.mark.django_db(transaction=True)
def test_appending_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        ledger.append(LedgerKind.CREDIT, account="JYTEST000001", payload={})


def test_a_rolled_back_append_leaves_neither_an_entry_nor_a_moved_head():
    append_many(1)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        ledger.append(LedgerKind.CREDIT, account="JYTEST000001", payload={"n": 2})
        1 / 0  # noqa: B018 - the change the entry recorded fails

    assert LedgerEntry.objects.count() == 1
    assert LedgerHead.objects.get().seq == 1
    append_many(1)
    assert verify().intact


def test_a_missing_head_row_restarts_where_the_chain_ends():
    append_many(2)
    LedgerHead.objects.all().delete()

    append_many(1)

    assert verify().intact
    assert LedgerHead.objects.get().seq == 3


# ---------------------------------------------------------------- the database refuses


@pytest.mark.parametrize("table", triggers.TABLES)
def test_the_database_refuses_update_and_delete(table):
    append_many(2)
    ledger.checkpoint_create()
    column = "account" if table.endswith("entry") else "hash"

    for statement in (
        f"UPDATE {table} SET {column} = 'x'",  # noqa: S608 - the module's own tables
        f"DELETE FROM {table}",  # noqa: S608
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            sql(statement)

    assert LedgerEntry.objects.count() == 2
    assert LedgerCheckpoint.objects.count() == 1
    assert verify().intact


def test_the_orm_refuses_too():
    entry = append_many(1)[0]
    entry.account = "JYOTHER00000"

    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(account="JYOTHER00000")
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()


# ---------------------------------------------------------------- tampering behind the app's back


def test_an_edited_entry_is_named():
    append_many(5)
    with triggers_removed():
        sql(
            "UPDATE creditbank_ledgerentry SET payload = %s WHERE seq = 3",
            ['{"n":3,"text":"伪造课程"}'],
        )

    report = verify()
    assert report.first_bad_seq == 3
    assert report.problem is not None and report.problem.kind == ledger.ProblemKind.WRONG_HASH


def test_an_edited_account_or_time_is_named():
    append_many(4)
    with triggers_removed():
        sql("UPDATE creditbank_ledgerentry SET account = 'JYOTHER00000' WHERE seq = 2")
        sql("UPDATE creditbank_ledgerentry SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 4")
    assert first_bad() == 2
    with triggers_removed():
        sql("UPDATE creditbank_ledgerentry SET account = 'JYTEST000001' WHERE seq = 2")
    assert first_bad() == 4


def test_strings_needing_escapes_hash_as_canonical_json():
    for text in ('JY"01', "JY\\01", "JY\n01", "学分", "a\u2028b"):
        assert (
            ledger.entry_bytes(1, "credit", text, text, "{}")
            == ledger.canonical_json(
                {"account": text, "at": text, "kind": "credit", "payload": {}, "seq": 1}
            ).encode()
        )


def test_a_deleted_entry_is_named():
    append_many(5)
    with triggers_removed():
        sql("DELETE FROM creditbank_ledgerentry WHERE seq = 2")

    report = verify()
    assert report.first_bad_seq == 2
    assert report.problem is not None and report.problem.kind == ledger.ProblemKind.GAP


def test_a_deleted_last_entry_is_caught_by_the_head():
    append_many(4)
    with triggers_removed():
        sql("DELETE FROM creditbank_ledgerentry WHERE seq = 4")

    report = verify()
    assert report.first_bad_seq == 4
    assert report.problem is not None and report.problem.kind == ledger.ProblemKind.HEAD_MISMATCH


def test_reordered_entries_are_named():
    append_many(5)
    with triggers_removed():
        sql("UPDATE creditbank_ledgerentry SET seq = 1000 WHERE seq = 2")
        sql("UPDATE creditbank_ledgerentry SET seq = 2 WHERE seq = 3")
        sql("UPDATE creditbank_ledgerentry SET seq = 3 WHERE seq = 1000")

    assert first_bad() == 2


def test_a_relinked_entry_is_named():
    entries = append_many(4)
    with triggers_removed():
        sql(
            "UPDATE creditbank_ledgerentry SET prev_hash = %s WHERE seq = 3",
            [entries[0].hash],
        )

    report = verify()
    assert report.first_bad_seq == 3
    assert report.problem is not None and report.problem.kind == ledger.ProblemKind.BROKEN_LINK


def rewrite_chain_from(seq: int, payload: str) -> None:
    """The clever forgery: change an entry and recompute every hash after it, head included."""
    rows = list(
        LedgerEntry.objects.order_by("seq").values_list("seq", "kind", "account", "payload", "at")
    )
    prev = ledger.GENESIS
    with triggers_removed():
        for number, kind, account, text, at in rows:
            if number == seq:
                text = payload
            digest = ledger.chain_hash(prev, ledger.entry_bytes(number, kind, account, at, text))
            sql(
                "UPDATE creditbank_ledgerentry SET payload = %s, prev_hash = %s, hash = %s "
                "WHERE seq = %s",
                [text, prev, digest, number],
            )
            prev = digest
        sql("UPDATE creditbank_ledgerhead SET hash = %s", [prev])


def test_a_rewritten_chain_is_caught_by_the_signed_checkpoint():
    append_many(3)
    ledger.checkpoint_create()
    append_many(2)
    rewrite_chain_from(2, '{"n":2,"text":"伪造课程"}')

    report = verify()
    assert report.first_bad_seq == 3
    assert report.problem is not None
    assert report.problem.kind == ledger.ProblemKind.CHECKPOINT_MISMATCH


def test_without_a_checkpoint_a_perfect_rewrite_goes_unnoticed_which_is_why_they_are_kept():
    append_many(3)
    rewrite_chain_from(2, '{"n":2,"text":"伪造课程"}')

    assert verify().intact


def test_a_truncated_ledger_is_caught_by_head_and_checkpoint():
    append_many(4)
    ledger.checkpoint_create()
    with triggers_removed():
        sql("DELETE FROM creditbank_ledgerentry WHERE seq >= 3")
        sql("DELETE FROM creditbank_ledgerhead")

    report = verify()
    assert report.first_bad_seq == 3
    assert report.problem is not None
    assert report.problem.kind == ledger.ProblemKind.CHECKPOINT_MISMATCH


def test_a_forged_checkpoint_is_caught_by_its_signature():
    append_many(2)
    checkpoint = ledger.checkpoint_create()
    with triggers_removed():
        sql(
            "UPDATE creditbank_ledgercheckpoint SET hash = %s",
            ["f" * 64],
        )

    report = verify()
    assert report.first_bad_seq == checkpoint.seq
    assert report.problem is not None
    assert report.problem.kind == ledger.ProblemKind.CHECKPOINT_SIGNATURE


def test_a_checkpoint_signed_with_another_key_is_not_trusted(settings):
    append_many(2)
    settings.ZHIJIAO_SIGNING_KEY = "11" * 32
    ledger.checkpoint_create()
    settings.ZHIJIAO_SIGNING_KEY = "7a" * 32

    report = verify()
    assert report.problem is not None
    assert report.problem.kind == ledger.ProblemKind.CHECKPOINT_KEY


# ---------------------------------------------------------------- the command


def test_verify_command_says_intact_and_exits_zero(capsys):
    append_many(3)
    call_command("ledger", "checkpoint")

    call_command("ledger", "verify")

    assert "账本完好：共 3 条记录" in capsys.readouterr().out


def test_verify_command_exits_non_zero_naming_the_first_bad_seq(capsys):
    append_many(4)
    with triggers_removed():
        sql("UPDATE creditbank_ledgerentry SET payload = '{}' WHERE seq = 2")

    with pytest.raises(CommandError, match="第 2 号"):
        call_command("ledger", "verify")
    with pytest.raises(CommandError, match="第 2 号"):
        call_command("ledger", "verify", "--parts", "3")
    with pytest.raises(SystemExit) as exited:
        LedgerCommand().run_from_argv(["zhijiao", "ledger", "verify"])
    assert exited.value.code != 0
    assert "第一条有问题的记录是第 2 号" in capsys.readouterr().err


def test_checkpoint_file_kept_elsewhere_is_checked(tmp_path):
    append_many(3)
    kept = tmp_path / "checkpoint.json"
    call_command("ledger", "checkpoint", "--out", str(kept))
    data = json.loads(kept.read_text(encoding="utf-8"))
    assert data["seq"] == 3 and len(data["signature"]) == 128

    call_command("ledger", "verify", "--checkpoint", str(kept))

    data["hash"] = "0" * 64
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="签名无效"):
        call_command("ledger", "verify", "--checkpoint", str(forged))


def test_checkpoint_file_survives_a_rewrite_that_also_removed_the_checkpoint_rows(tmp_path):
    append_many(3)
    kept = tmp_path / "checkpoint.json"
    call_command("ledger", "checkpoint", "--out", str(kept))
    rewrite_chain_from(1, '{"n":1,"text":"伪造课程"}')
    with triggers_removed():
        sql("DELETE FROM creditbank_ledgercheckpoint")

    call_command("ledger", "verify")  # the database alone no longer shows it
    with pytest.raises(CommandError, match="第 3 号"):
        call_command("ledger", "verify", "--checkpoint", str(kept))


def test_timestamps_are_utc_to_the_microsecond():
    at = dt.datetime(2026, 1, 2, 11, 4, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert ledger.timestamp(at) == "2026-01-02T03:04:05.000006Z"


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_stretches_are_walked_by_processes_of_their_own(monkeypatch):
    """Outside a transaction each stretch gets a process and a connection: committed rows."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite walks the stretches one after the other")
    import multiprocessing

    forked = []
    real = multiprocessing.get_context

    def get_context(method=None):
        forked.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", get_context)
    append_many(40)
    ledger.checkpoint_create()
    intact, walked_once = ledger.verify(parts=4), ledger.verify()
    with triggers_removed():
        sql("UPDATE creditbank_ledgerentry SET payload = %s WHERE seq = 23", ['{"n":0}'])
    damaged = ledger.verify(parts=4)

    assert forked == ["fork", "fork"]
    assert intact.intact and intact.entries == 40 and intact == walked_once
    assert damaged.first_bad_seq == 23 and damaged == ledger.verify()
