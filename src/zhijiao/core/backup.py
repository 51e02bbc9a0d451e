"""Backups and restores: one archive holds the database, the uploaded files and a manifest.

An archive is ``zhijiao-YYYYmmdd-HHMMSS.tar.gz`` (Asia/Shanghai time) with

- ``database/zhijiao.dump`` (PostgreSQL, ``pg_dump --format=custom``) or
  ``database/zhijiao.sqlite3`` (SQLite, a consistent copy by the sqlite3 backup API);
- ``media/…``, every file under ``MEDIA_ROOT``;
- ``manifest.json``: format version, time, database vendor, the latest applied migrations of each
  app, and the size and SHA-256 of every other member.

A restore checks every member against the manifest before it changes anything, then replaces the
whole database and the whole upload directory. The personal-data keys are never in an archive:
the archive holds the encrypted fields only (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any
from zoneinfo import ZoneInfo

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from . import audit
from .errors import ServiceError
from .models import AuditAction

FORMAT = "zhijiao-backup"
FORMAT_VERSION = 1
SHANGHAI = ZoneInfo("Asia/Shanghai")
ARCHIVE_NAME = re.compile(r"^zhijiao-\d{8}-\d{6}\.tar\.gz$")
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {
    "postgresql": "database/zhijiao.dump",
    "sqlite": "database/zhijiao.sqlite3",
}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
# Debian and Ubuntu install each PostgreSQL major version's programs here.
PG_LIB_DIR = Path("/usr/lib/postgresql")
# Dropping the tables that are not in the archive waits at most this long for a lock.
LOCK_TIMEOUT = "60s"


class BackupErrorCode(StrEnum):
    UNSUPPORTED_DATABASE = "unsupported_database"
    TOOL_MISSING = "tool_missing"
    TOOL_FAILED = "tool_failed"
    BAD_OUTPUT = "bad_output"
    NAME_TAKEN = "name_taken"
    DAMAGED = "damaged"
    WRONG_VENDOR = "wrong_vendor"
    NEWER_MIGRATIONS = "newer_migrations"
    IN_TRANSACTION = "in_transaction"
    ARCHIVE_MISSING = "archive_missing"
    DATABASE_BUSY = "database_busy"
    UNREADABLE = "unreadable"


class BackupError(ServiceError):
    """A backup or restore that could not be carried out; for a restore, nothing was changed
    unless the message says otherwise."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    vendor: str
    database_size: int
    media_files: int
    media_size: int
    deleted: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class VerifiedArchive:
    """An archive whose every member matched the manifest, unpacked into ``directory``."""

    path: Path
    directory: Path
    manifest: dict[str, Any]

    @property
    def vendor(self) -> str:
        return str(self.manifest["database"]["vendor"])

    @property
    def created_at(self) -> str:
        """When the backup was made, Asia/Shanghai time, for people."""
        try:
            when = dt.datetime.fromisoformat(str(self.manifest["created_at"]))
        except ValueError:
            return str(self.manifest["created_at"])
        return f"{when.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"

    @property
    def database_file(self) -> Path:
        return self.directory.joinpath(*PurePosixPath(self.manifest["database"]["file"]).parts)

    @property
    def media(self) -> list[str]:
        """Paths under MEDIA_ROOT, as stored (POSIX, relative)."""
        return [
            entry["path"].removeprefix(MEDIA_PREFIX)
            for entry in self.manifest["files"]
            if entry["path"].startswith(MEDIA_PREFIX)
        ]


@dataclass(frozen=True)
class RestoreResult:
    vendor: str
    media_files: int
    media_removed: int
    pending_migrations: list[str]
    unknown_migrations: list[str]


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


# --- backup ---------------------------------------------------------------------------------


def backup_create(
    *, output_dir: Path, keep: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> BackupResult:
    """Writes one archive into ``output_dir`` (mode 0600, written under a temporary name and then
    renamed), audits it, and with ``keep`` deletes the older archives beyond the ``keep`` newest.
    """
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(
            BackupErrorCode.UNSUPPORTED_DATABASE,
            _("不支持备份 {vendor} 数据库：只支持 PostgreSQL 和 SQLite").format(vendor=vendor),
        )
    if keep is not None and keep < 1:
        raise BackupError(BackupErrorCode.BAD_OUTPUT, _("--keep 至少为 1"))
    output_dir = output_dir.resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if output_dir == media_root or media_root in output_dir.parents:
        raise BackupError(
            BackupErrorCode.BAD_OUTPUT,
            _("备份目录 {path} 在上传文件目录之内，备份会把旧备份也装进去：请换一个目录").format(
                path=output_dir
            ),
        )
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    now = dt.datetime.now(SHANGHAI)
    final = output_dir / f"zhijiao-{now:%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(
            BackupErrorCode.NAME_TAKEN, _("{final} 已存在：请一秒后再试").format(final=final.name)
        )

    staging = Path(tempfile.mkdtemp(prefix=".zhijiao-backup-", dir=output_dir))
    partial = output_dir / f".{final.name}.partial"
    try:
        # The database first: a file uploaded while the media are copied is at worst an orphan,
        # never a row whose file is missing.
        database_file = staging / "database"
        migrations = _latest_applied_migrations(connection)
        if vendor == "postgresql":
            _dump_postgresql(connection, database_file)
        else:
            _copy_sqlite(connection, database_file)
        files: list[dict[str, Any]] = []
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                files.append(_add_file(tar, DATABASE_MEMBERS[vendor], database_file, now))
                for path in _media_files(media_root):
                    member = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                    files.append(_add_file(tar, member, path, now))
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": now.isoformat(timespec="seconds"),
                    "zhijiao_version": _version("zhijiao"),
                    "django_version": django.get_version(),
                    "database": {"vendor": vendor, "file": DATABASE_MEMBERS[vendor]},
                    "migrations": migrations,
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = _tarinfo(MANIFEST, len(data), now)
                tar.addfile(info, _BytesReader(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, final)
        _fsync_directory(output_dir)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)

    deleted = _prune(output_dir, keep) if keep is not None else []
    media = [f for f in files if f["path"].startswith(MEDIA_PREFIX)]
    result = BackupResult(
        path=final,
        size=final.stat().st_size,
        vendor=vendor,
        database_size=files[0]["size"],
        media_files=len(media),
        media_size=sum(f["size"] for f in media),
        deleted=deleted,
    )
    message = (
        f"备份：{final}（{human_size(result.size)}，{VENDOR_NAMES[vendor]} 数据库，"
        f"上传文件 {result.media_files} 个）"
    )
    if deleted:
        message += f"，删除较早的备份 {len(deleted)} 个"
    audit.record(AuditAction.EXPORT, object_type="backup", object_repr=final.name, message=message)
    return result


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def _media_files(media_root: Path) -> list[Path]:
    """Every regular file under MEDIA_ROOT (symbolic links are not followed), in a stable order."""
    found: list[Path] = []
    if not media_root.is_dir():
        return found
    for directory, subdirs, names in os.walk(media_root):
        subdirs.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def _tarinfo(name: str, size: int, when: dt.datetime) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(when.timestamp())
    info.mode = 0o600
    return info


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._offset + size
        chunk = bytes(self._data[self._offset : end])
        self._offset += len(chunk)
        return chunk


class _HashingReader:
    """Hashes what tarfile reads, so each file is read once."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self.sha256.update(chunk)
        return chunk


def _add_file(tar: tarfile.TarFile, member: str, path: Path, when: dt.datetime) -> dict[str, Any]:
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        reader = _HashingReader(stream)
        tar.addfile(_tarinfo(member, size, when), reader)
    return {"path": member, "size": size, "sha256": reader.sha256.hexdigest()}


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(output_dir: Path, keep: int) -> list[Path]:
    """Deletes archives beyond the ``keep`` newest; names sort by time."""
    archives = sorted(
        (p for p in output_dir.iterdir() if ARCHIVE_NAME.match(p.name) and p.is_file()),
        reverse=True,
    )
    deleted = archives[keep:]
    for path in deleted:
        path.unlink()
    return deleted


def _latest_applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """For each app, the applied migrations no other applied migration of that app follows."""
    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations or {})
    latest: dict[str, list[str]] = {}
    for key in sorted(applied):
        node = loader.graph.node_map.get(key)
        if node is not None and any(
            child.key in applied and child.key[0] == key[0] for child in node.children
        ):
            continue
        latest.setdefault(key[0], []).append(key[1])
    return latest


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore`` on PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = [p for p in PG_LIB_DIR.glob(f"*/bin/{name}") if os.access(p, os.X_OK)]
    if candidates:
        newest = max(candidates, key=lambda p: _major(p.parent.parent.name))
        return str(newest)
    raise BackupError(
        BackupErrorCode.TOOL_MISSING,
        _(
            "找不到 {name}：请安装 PostgreSQL 客户端（Debian/Ubuntu：apt-get install postgresql-client，版本不低于数据库服务器），或把 {name} 所在目录加入 PATH"
        ).format(name=name),
    )


def _major(text: str) -> int:
    return int(text) if text.isdecimal() else 0


def _pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    _, extra = PostgresClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def _run(command: list[str], *, env: dict[str, str], what: str) -> str:
    # The command is a PostgreSQL client found above; its arguments come from settings.
    done = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = done.stderr.strip()[-2000:] or _("退出码 {returncode}").format(
            returncode=done.returncode
        )
        raise BackupError(
            BackupErrorCode.TOOL_FAILED, _("{what}失败：{detail}").format(what=what, detail=detail)
        )
    return done.stdout


def _dump_postgresql(connection: BaseDatabaseWrapper, target: Path) -> None:
    settings_dict = connection.settings_dict
    _run(
        [
            pg_tool("pg_dump"),
            "--format=custom",
            f"--file={target}",
            f"--dbname={settings_dict['NAME']}",
        ],
        env=_pg_env(settings_dict),
        what=_("导出数据库（pg_dump）"),
    )


_TOC_RELATION = re.compile(
    r"^\d+; \d+ \d+ (?:TABLE|VIEW|MATERIALIZED VIEW) (?P<schema>\S+) (?P<name>\S+) "
)


def _refuse_if_busy(connection: BaseDatabaseWrapper) -> None:
    """Refuses while another session is inside a transaction or a query on this database.

    pg_restore's script sets ``lock_timeout = 0``: it would wait for such a session for as long as
    it lasts. Idle sessions (a web server's persistent connections) hold no locks and may stay;
    sessions of other roles whose state this role cannot see are not counted.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
            "AND state <> 'idle'"
        )
        (busy,) = cursor.fetchone()
    if busy:
        raise BackupError(
            BackupErrorCode.DATABASE_BUSY,
            _(
                "数据库中还有 {busy} 个连接正在执行操作（网站、后台任务或其他客户端）：请先停止网站和后台任务进程再恢复，未做任何更改"
            ).format(busy=busy),
        )


def _restore_postgresql(connection: BaseDatabaseWrapper, dump: Path) -> None:
    settings_dict = connection.settings_dict
    env = _pg_env(settings_dict)
    restore = pg_tool("pg_restore")
    listing = _run([restore, "--list", str(dump)], env=env, what=_("读取数据库备份（pg_restore）"))
    in_archive: set[tuple[str, str]] = set()
    for line in listing.splitlines():
        match = _TOC_RELATION.match(line)
        if match:
            in_archive.add((match["schema"], match["name"]))
    schemas = sorted({schema for schema, _ in in_archive} or {"public"})
    _refuse_if_busy(connection)
    # pg_restore --clean drops only what the archive holds. Tables created since (by a newer
    # migration) would stay, and `zhijiao migrate` would then fail on them: drop them first.
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        cursor.execute(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm') "
            "AND NOT c.relispartition",
            [schemas],
        )
        for schema, name, kind in cursor.fetchall():
            if (schema, name) not in in_archive:
                quoted = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(name)}"
                cursor.execute(f"DROP {kinds[kind]} IF EXISTS {quoted} CASCADE")
    connection.close()
    # Row triggers (the audit table's append-only rule) do not fire on DROP, and the data is
    # loaded before pg_restore recreates the triggers. One transaction: all or nothing.
    try:
        _run(
            [
                restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={settings_dict['NAME']}",
                str(dump),
            ],
            env=env,
            what=_("恢复数据库（pg_restore）"),
        )
    except BackupError as exc:
        raise BackupError(
            exc.code,
            _("{message}\n恢复在一个事务中进行，已整体撤销：数据库仍是恢复前的数据").format(
                message=exc.message
            ),
        ) from exc


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_path(connection: BaseDatabaseWrapper, *, must_exist: bool = True) -> Path:
    name = str(connection.settings_dict["NAME"])
    path = Path(name)
    # A restore may create the file (a drill on a fresh machine); never in memory.
    exists = path.is_file() if must_exist else path.parent.is_dir() and not path.is_dir()
    if not exists or name.startswith(":memory:") or "mode=memory" in name:
        raise BackupError(
            BackupErrorCode.UNSUPPORTED_DATABASE,
            _("SQLite 数据库文件 {name} 不存在或在内存中").format(name=name),
        )
    return path


def _copy_sqlite(connection: BaseDatabaseWrapper, target: Path) -> None:
    """A consistent copy through the backup API (a raw file copy could catch a half-written
    page or miss what is still in the write-ahead log)."""
    source = sqlite3.connect(_sqlite_path(connection), timeout=20)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()


def _restore_sqlite(connection: BaseDatabaseWrapper, copy: Path) -> None:
    path = _sqlite_path(connection, must_exist=False)
    connection.close()
    source = sqlite3.connect(copy)
    try:
        target = sqlite3.connect(path, timeout=20)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.OperationalError as exc:
        raise BackupError(
            BackupErrorCode.TOOL_FAILED,
            _("恢复数据库失败（{exc}）：请先停止网站和后台任务进程再恢复").format(exc=exc),
        ) from exc
    finally:
        source.close()


# --- restore --------------------------------------------------------------------------------


@contextmanager
def archive_open(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[VerifiedArchive]:
    """Unpacks ``path`` next to MEDIA_ROOT and checks it; nothing else is changed.

    Refuses a damaged archive (any member missing, extra or differing from the manifest), one
    made from another database vendor, and one from a newer program version.
    """
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT).resolve()
    media_root.mkdir(parents=True, exist_ok=True)
    # Next to MEDIA_ROOT, so restored files are moved into place, not copied.
    directory = Path(tempfile.mkdtemp(prefix=".zhijiao-restore-", dir=media_root.parent))
    try:
        manifest = _unpack(path, directory)
        archive = VerifiedArchive(path=path, directory=directory, manifest=manifest)
        if archive.vendor != connection.vendor:
            raise BackupError(
                BackupErrorCode.WRONG_VENDOR,
                _("这是 {archive} 数据库的备份，当前配置的是 {current}：不能恢复").format(
                    archive=VENDOR_NAMES.get(archive.vendor, archive.vendor),
                    current=VENDOR_NAMES.get(connection.vendor, connection.vendor),
                ),
            )
        newer = _unknown_to_code(manifest["migrations"])
        if newer:
            raise BackupError(
                BackupErrorCode.NEWER_MIGRATIONS,
                _(
                    "备份来自较新的程序版本，含本程序没有的数据库迁移（{migrations}）："
                    "请先安装相应版本的程序再恢复"
                ).format(migrations="、".join(newer[:5])),
            )
        if archive.vendor == "sqlite":
            _check_sqlite_copy(archive.database_file)
        yield archive
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _damaged(detail: str) -> BackupError:
    return BackupError(
        BackupErrorCode.DAMAGED,
        _("备份文件已损坏或不完整（{detail}），未做任何更改").format(detail=detail),
    )


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or "\\" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
        or not (name == MANIFEST or name.startswith(("database/", MEDIA_PREFIX)))
    ):
        raise _damaged(_("不应出现的成员 {name!r}").format(name=name))
    return path


def _unpack(path: Path, directory: Path) -> dict[str, Any]:
    found: dict[str, tuple[int, str]] = {}
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                relative = _safe_member(member.name)
                if not member.isfile() or member.name in found:
                    raise _damaged(
                        _("成员 {member} 不是普通文件或重复出现").format(member=member.name)
                    )
                stream = tar.extractfile(member)
                assert stream is not None  # a regular file always has a stream
                target = directory.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with stream, target.open("xb") as out:
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[member.name] = (size, digest.hexdigest())
    except FileNotFoundError as exc:
        raise BackupError(
            BackupErrorCode.ARCHIVE_MISSING, _("备份文件 {path} 不存在").format(path=path)
        ) from exc
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise _damaged(str(exc) or type(exc).__name__) from exc
    except OSError as exc:
        raise BackupError(
            BackupErrorCode.UNREADABLE, _("读取备份文件失败（{exc}），未做任何更改").format(exc=exc)
        ) from exc

    if MANIFEST not in found:
        raise _damaged(_("缺少 manifest.json"))
    try:
        manifest = json.loads((directory / MANIFEST).read_bytes())
        database = manifest["database"]["file"]
        expected = {str(f["path"]): (int(f["size"]), str(f["sha256"])) for f in manifest["files"]}
        well_formed = (
            isinstance(database, str)
            and isinstance(manifest["database"]["vendor"], str)
            and isinstance(manifest["created_at"], str)
            and all(
                isinstance(names, list) and all(isinstance(n, str) for n in names)
                for names in manifest["migrations"].values()
            )
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _damaged(_("manifest.json 无法读取")) from exc
    if not well_formed:
        raise _damaged(_("manifest.json 无法读取"))
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise _damaged(
            _("不认识的备份格式 {format} {version}").format(
                format=manifest.get("format"), version=manifest.get("format_version")
            )
        )
    del found[MANIFEST]
    if not database.startswith("database/") or database not in expected:
        raise _damaged(_("缺少数据库文件"))
    for name, (size, sha256) in expected.items():
        if name not in found:
            raise _damaged(_("缺少 {name}").format(name=name))
        if found[name] != (size, sha256):
            raise _damaged(_("{name} 的校验值与清单不符").format(name=name))
    extra = sorted(set(found) - set(expected))
    if extra:
        raise _damaged(_("清单之外的成员 {extra}").format(extra=extra[0]))
    return dict(manifest)


def _check_sqlite_copy(path: Path) -> None:
    try:
        copy = sqlite3.connect(path)
        try:
            (result,) = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        raise _damaged(_("数据库文件：{exc}").format(exc=exc)) from exc
    if result != "ok":
        raise _damaged(_("数据库文件：{result}").format(result=result))


def _unknown_to_code(migrations: dict[str, list[str]]) -> list[str]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    apps = {app for app, _ in graph.nodes}
    return [
        f"{app}.{name}"
        for app, names in sorted(migrations.items())
        if app in apps
        for name in names
        if (app, name) not in graph.nodes
    ]


def archive_restore(archive: VerifiedArchive, *, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Replaces the whole database and every file under MEDIA_ROOT with the archive's.

    The database is replaced in one step (PostgreSQL: one transaction; SQLite: the backup API);
    the files after it. Audited in the restored database when its migrations are current.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError(
            BackupErrorCode.IN_TRANSACTION, _("不能在数据库事务中恢复：恢复会替换整个数据库")
        )
    database_file = archive.database_file
    if archive.vendor == "postgresql":
        _restore_postgresql(connection, database_file)
    else:
        _restore_sqlite(connection, database_file)
    media_files, removed = _restore_media(archive)

    pending, unknown = migration_state(connection)
    if not pending:
        audit.record(
            AuditAction.IMPORT,
            object_type="backup",
            object_repr=archive.path.name,
            message=(
                f"恢复：从 {archive.path.name}（{archive.created_at}）恢复数据库和上传文件 "
                f"{media_files} 个"
            ),
        )
    return RestoreResult(
        vendor=archive.vendor,
        media_files=media_files,
        media_removed=removed,
        pending_migrations=pending,
        unknown_migrations=unknown,
    )


def _restore_media(archive: VerifiedArchive) -> tuple[int, int]:
    media_root = Path(settings.MEDIA_ROOT).resolve()
    wanted = set(archive.media)
    removed = 0
    # Files the archive does not hold go first, so a directory may become a file and back.
    for path in reversed(_media_files(media_root)):
        if path.relative_to(media_root).as_posix() not in wanted:
            path.unlink()
            removed += 1
    for directory in sorted((entry[0] for entry in os.walk(media_root)), reverse=True):
        if Path(directory) != media_root and not os.listdir(directory):
            os.rmdir(directory)
    staged = archive.directory / "media"
    for name in sorted(wanted):
        target = media_root.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged.joinpath(*PurePosixPath(name).parts), target)
    return len(wanted), removed


def migration_state(connection: BaseDatabaseWrapper) -> tuple[list[str], list[str]]:
    """Migrations the code has and the database lacks, and the reverse."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    plan = executor.migration_plan(graph.leaf_nodes())
    pending = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    unknown = [
        f"{app}.{name}"
        for app, name in sorted(executor.loader.applied_migrations or {})
        if (app, name) not in graph.nodes and app in {a for a, _ in graph.nodes}
    ]
    return pending, unknown
