"""Restore drill: back up, change and delete, restore, find everything as it was (SQLite and
PostgreSQL alike); a damaged, unconfirmed, foreign or newer archive changes nothing."""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tests.factories import UnitFactory, UserFactory
from zhijiao.core import backup, integrity
from zhijiao.core.models import AuditAction, AuditEvent
from zhijiao.creditbank import ledger, triggers
from zhijiao.creditbank.models import LedgerCheckpoint, LedgerEntry, LedgerHead
from zhijiao.orgs.models import Unit, UnitKind, User

# A restore replaces the database under Django: no test transaction may be open around it.
pytestmark = pytest.mark.django_db(transaction=True)

EVIDENCE = b"%PDF-1.4\n" + bytes(range(256)) * 40


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def backups(tmp_path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def school(media) -> Unit:
    """A school, its liaison and one uploaded evidence file."""
    unit = UnitFactory(name="甲职校", kind=UnitKind.SCHOOL)
    UserFactory(username="alice", full_name="张三", unit=unit)
    default_storage.save("evidence/2026/report.pdf", ContentFile(EVIDENCE))
    return unit


def make_backup(directory: Path, *args: str) -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", "--output", str(directory), *args, stdout=out)
    (archive,) = sorted(directory.glob("zhijiao-*.tar.gz"))[-1:]
    return archive, out.getvalue()


def restore(archive: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("restore", str(archive), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rewrite(archive: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    """Repacks the archive after ``change`` edits its members (name -> bytes) in place."""
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    change(members)
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def edit_manifest(edit: Callable[[dict], None]) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        edit(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()

    return change


def change_everything(media: Path) -> None:
    """What happens after a backup: a rename, a deletion, new rows, new and deleted files."""
    Unit.objects.filter(name="甲职校").update(name="改名后的学校")
    User.objects.filter(username="alice").delete()
    UnitFactory(name="备份之后新建的单位")
    default_storage.delete("evidence/2026/report.pdf")
    default_storage.save("evidence/after-backup.txt", ContentFile(b"new"))


def test_restore_drill_brings_back_rows_and_files(school, media, backups):
    # Given a backup of a school, its liaison and an evidence file
    archive, out = make_backup(backups)
    assert archive.name.startswith("zhijiao-") and "上传文件 1 个" in out
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not [p for p in backups.iterdir() if p.name.startswith(".")]  # no leftovers
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, message__startswith=f"备份：{archive}"
    ).exists()
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" not in manifest["migrations"]["core"]
    assert {"path": "media/evidence/2026/report.pdf", "size": len(EVIDENCE)}.items() <= next(
        f for f in manifest["files"] if f["path"].startswith("media/")
    ).items()

    # When the data changes, and a table appears (as a newer migration would add), then restore
    change_everything(media)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE zz_after_backup (id integer)")
    out, err = restore(archive, "--yes")

    # Then everything is as it was at the backup
    assert "已恢复" in out and "迁移状态与程序一致" in out and not err
    assert set(Unit.objects.values_list("name", flat=True)) == {"甲职校"}
    alice = User.objects.select_related("unit").get(username="alice")
    assert (alice.full_name, alice.unit.name) == ("张三", "甲职校")
    assert alice.check_password("Zhijiao#2026test")
    assert (media / "evidence/2026/report.pdf").read_bytes() == EVIDENCE
    assert not (media / "evidence/after-backup.txt").exists()
    assert "zz_after_backup" not in connection.introspection.table_names()
    assert AuditEvent.objects.filter(
        action=AuditAction.IMPORT, message__startswith=f"恢复：从 {archive.name}"
    ).exists()


@pytest.fixture
def ledger_emptied_afterwards() -> Iterator[None]:
    """The ledger refuses DELETE, which is how the test database is emptied on SQLite."""
    yield
    with connection.cursor() as cursor:
        triggers.remove(cursor, connection.vendor)
        for model in (LedgerCheckpoint, LedgerEntry, LedgerHead):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - our table names
        triggers.install(cursor, connection.vendor)


def _ledger_entries(count: int) -> None:
    with transaction.atomic():
        for n in range(count):
            ledger.append("credit", account=f"acct-{n}", payload={"credits": n})


def test_the_restored_platform_verifies_its_ledger(
    school, media, backups, ledger_emptied_afterwards
):
    _ledger_entries(3)
    ledger.checkpoint_create()
    archive, _ = make_backup(backups)
    _ledger_entries(2)  # after the backup: gone once restored

    out, err = restore(archive, "--yes")

    assert "完整性校验（学分银行账本）：账本完好，共 3 条记录，检查点 1 个" in out and not err
    assert ledger.verify().entries == 3


def test_a_restore_whose_data_fails_a_check_says_so_and_fails(school, media, backups, monkeypatch):
    archive, _ = make_backup(backups)
    monkeypatch.setitem(integrity._CHECKS, "测试校验", lambda: (False, "第 7 号记录的哈希不符"))

    with pytest.raises(CommandError, match="测试校验未通过完整性校验：请勿启动网站"):
        restore(archive, "--yes")


def flip_a_byte(archive: Path) -> None:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))


def replace_evidence(archive: Path) -> None:
    """A well-formed archive whose file no longer matches the manifest's checksum."""
    rewrite(archive, lambda m: m.update({"media/evidence/2026/report.pdf": b"%PDF-1.4 forged"}))


@pytest.mark.parametrize("damage", [flip_a_byte, replace_evidence])
def test_a_damaged_archive_is_refused_and_nothing_changes(school, media, backups, damage):
    archive, _ = make_backup(backups)
    change_everything(media)
    damage(archive)

    with pytest.raises(CommandError, match="备份文件已损坏.*未做任何更改"):
        restore(archive, "--yes")

    assert Unit.objects.filter(name="改名后的学校").exists()
    assert not User.objects.filter(username="alice").exists()
    assert (media / "evidence/after-backup.txt").read_bytes() == b"new"
    assert sorted(p.name for p in media.parent.iterdir()) == ["backups", "media"]  # cleaned up


def test_without_yes_only_checks_and_explains(school, media, backups):
    archive, _ = make_backup(backups)
    change_everything(media)
    out = io.StringIO()

    with pytest.raises(CommandError, match="替换当前数据库和上传文件.*--yes"):
        call_command("restore", str(archive), stdout=out)

    assert "备份校验通过" in out.getvalue()
    assert Unit.objects.filter(name="改名后的学校").exists()
    assert (media / "evidence/after-backup.txt").exists()


def test_an_archive_of_another_database_vendor_is_refused(school, media, backups):
    archive, _ = make_backup(backups)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    rewrite(archive, edit_manifest(lambda m: m["database"].update(vendor=other)))
    Unit.objects.filter(name="甲职校").update(name="改名后的学校")

    with pytest.raises(CommandError, match="数据库的备份，当前配置的是"):
        restore(archive, "--yes")
    assert Unit.objects.filter(name="改名后的学校").exists()


def test_an_archive_from_a_newer_version_is_refused(school, media, backups):
    archive, _ = make_backup(backups)
    rewrite(archive, edit_manifest(lambda m: m["migrations"].update(core=["9999_future"])))

    with pytest.raises(CommandError, match="较新的程序版本.*core.9999_future"):
        restore(archive, "--yes")


def test_an_archive_from_older_migrations_asks_for_migrate(school, media, backups):
    # Given a backup made before the latest core migration was applied
    (latest,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("core")
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied(*latest)
    try:
        archive, _ = make_backup(backups)
        recorder.record_applied(*latest)

        out, err = restore(archive, "--yes")

        assert "已恢复" in out
        assert f"{latest[0]}.{latest[1]}" in err and "zhijiao migrate" in err
    finally:
        recorder.record_applied(*latest)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL sessions")
def test_a_restore_waits_for_no_one_while_another_session_is_busy(school, media, backups):
    # pg_restore would wait for an open transaction elsewhere for as long as it lasts.
    archive, _ = make_backup(backups)
    Unit.objects.filter(name="甲职校").update(name="改名后的学校")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        other.execute("SELECT 1")  # leaves it idle in a transaction

        with pytest.raises(CommandError, match="正在执行操作.*请先停止网站和后台任务进程"):
            restore(archive, "--yes")

    assert Unit.objects.filter(name="改名后的学校").exists()


def test_keep_deletes_the_oldest_archives_only(media, backups):
    backups.mkdir()
    for name in ("zhijiao-20240101-000000.tar.gz", "zhijiao-20250101-000000.tar.gz"):
        (backups / name).write_bytes(b"old")
    (backups / "notes.txt").write_text("not an archive")

    _, out = make_backup(backups, "--keep", "2")

    names = sorted(p.name for p in backups.iterdir())
    assert "已删除较早的备份 1 个" in out
    assert "zhijiao-20240101-000000.tar.gz" not in names
    assert "zhijiao-20250101-000000.tar.gz" in names and "notes.txt" in names
    assert len([n for n in names if backup.ARCHIVE_NAME.match(n)]) == 2


def test_a_missing_pg_dump_is_explained(monkeypatch, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "PG_LIB_DIR", tmp_path)
    with pytest.raises(backup.BackupError, match="找不到 pg_dump：请安装 PostgreSQL 客户端"):
        backup.pg_tool("pg_dump")

    tool = tmp_path / "16" / "bin" / "pg_dump"
    tool.parent.mkdir(parents=True)
    tool.write_text("")
    os.chmod(tool, 0o700)
    assert backup.pg_tool("pg_dump") == str(tool)
