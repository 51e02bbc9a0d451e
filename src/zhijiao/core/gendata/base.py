"""What every generator shares: the scales, deterministic draws and identities, encryption of
personal data as the models store it, and the bulk writer with its progress lines."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import math
import multiprocessing
import os
import random
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.db import connection, models
from stdnum.cn import ric

import zhijiao
from zhijiao.core import personal

# The data files shipped with the platform (catalogues, the monitoring configuration, schemes).
DATA = Path(zhijiao.__file__).resolve().parents[2] / "data"

# ---------------------------------------------------------------- scales


@dataclass(frozen=True)
class Scale:
    """How much of everything. Counts of people and records are multiplied by ``fraction``
    (``--fraction``); the structure (cities, schools, catalogues) is not."""

    name: str
    cities: int  # 1: Jiangyin alone; 13: the cities of Jiangsu
    schools_per_city: int
    students: int
    teachers: int
    enterprises: int
    learners: int
    learning_records: int  # outcomes + credit records
    postings: int  # job postings of one year
    experts: int = 20
    fraction: float = 1.0
    chunk: int = 5_000  # learners drawn together (the unit of work of a generating process)

    def count(self, value: int, minimum: int = 1) -> int:
        return max(minimum, round(value * self.fraction))

    @property
    def schools(self) -> int:
        return self.cities * self.schools_per_city

    def scaled(self, fraction: float) -> Scale:
        return replace(self, fraction=fraction)


SCALES: dict[str, Scale] = {
    # Jiangyin: ~10 schools, ~40k students, ~3k teachers, ~5k enterprises, ~100k learners, ~1M
    # learning records, ~200k job postings a year (docs: PRODUCT.md, "Scale to design for").
    "city": Scale(
        name="city",
        cities=1,
        schools_per_city=10,
        students=40_000,
        teachers=3_000,
        enterprises=5_000,
        learners=100_000,
        learning_records=1_000_000,
        postings=200_000,
    ),
    # Jiangsu: 13 cities, ~5M learners, ~50M learning records, ~200k enterprises, ~5M postings.
    "province": Scale(
        name="province",
        cities=13,
        schools_per_city=20,
        students=800_000,
        teachers=60_000,
        enterprises=200_000,
        learners=5_000_000,
        learning_records=50_000_000,
        postings=5_000_000,
        experts=120,
    ),
    # For tests: every table gets rows, in seconds.
    "tiny": Scale(
        name="tiny",
        cities=1,
        schools_per_city=5,
        students=60,
        teachers=40,
        enterprises=30,
        learners=150,
        learning_records=1_200,
        postings=300,
        experts=3,
        chunk=40,
    ),
}

# ---------------------------------------------------------------- deterministic draws

_MASK = (1 << 64) - 1


def mix(value: int) -> int:
    """SplitMix64's finaliser: a well-spread 64-bit function of an integer (cheap, pure)."""
    z = (value + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def stream_seed(seed: int, name: str) -> int:
    """The seed of one named stream (one ``random.Random`` per module and purpose)."""
    digest = hashlib.blake2b(f"{seed}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def rng_for(seed: int, name: str) -> random.Random:
    return random.Random(stream_seed(seed, name))  # noqa: S311 - generated data, not secrets


class Permutation:
    """A bijection of ``range(size)`` onto itself (an affine map modulo ``size``): numbers drawn
    through it are unique by construction, without remembering the ones already used."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        multiplier = (mix(seed) % max(size - 1, 1)) + 1
        while math.gcd(multiplier, size) != 1:
            multiplier += 1
        self.multiplier = multiplier
        self.offset = mix(seed + 1) % size

    def __call__(self, index: int) -> int:
        return (index * self.multiplier + self.offset) % self.size


def weighted_index(cumulative: Sequence[float], r: float) -> int:
    """The index whose bucket of ``cumulative`` (running totals ending in 1.0) holds ``r``."""
    lo, hi = 0, len(cumulative) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if r < cumulative[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


def cumulative(weights: Sequence[float]) -> list[float]:
    total = float(sum(weights))
    running, out = 0.0, []
    for w in weights:
        running += w
        out.append(running / total)
    out[-1] = 1.0
    return out


def utc_text(value: dt.datetime) -> str:
    """A datetime as both databases store it for Django (UTC, no offset: Django's connection to
    PostgreSQL runs in UTC, and SQLite keeps naive UTC text)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def local_at(day: dt.date, hour: int = 9, minute: int = 0) -> str:
    """``day`` at ``hour``:``minute`` in Beijing time (UTC+8, no daylight saving), as stored (UTC
    text). Written out by hand: it runs for nearly every row."""
    if hour >= 8:
        return f"{day.isoformat()} {hour - 8:02d}:{minute:02d}:00"
    return f"{(day - ONE_DAY).isoformat()} {hour + 16:02d}:{minute:02d}:00"


ONE_DAY = dt.timedelta(days=1)


# ---------------------------------------------------------------- people

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向常"
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚建文辉力永林云飞鹏宇浩凯晨轩远峰志国庆斌俊华彬博文昊然子豪宏"
GIVEN_FEMALE = "芳娜敏静丽艳娟秀霞平桂英玉萍红欣怡涵雨桐佳琪思嘉懿晓燕春梅婷雪琳颖倩雯蕾璐"
PHONE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 177 180 181 182 187 "
    "188 189 198 199".split()
)


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    gender: str  # "male" / "female", as the 身份证号's 17th digit says
    birth: dt.date
    phone: str


class Persons:
    """Fictitious people of one population (students, teachers, adult learners): person ``i`` is
    a pure function of the seed and ``i``, so that two modules can speak of the same person (a
    student who also holds a credit-bank account) without passing them around.

    身份证号 are valid (GB 11643 check digit) and unique within the population and across
    populations: each population draws its 3-digit sequence codes from a range of its own, and
    (region, birth date, sequence) comes from a permutation, never repeating.
    """

    def __init__(
        self,
        *,
        seed: int,
        name: str,
        regions: Sequence[str],
        born_from: dt.date,
        born_to: dt.date,
        sequences: tuple[int, int],
    ) -> None:
        self.seed = stream_seed(seed, f"persons:{name}")
        self.regions = list(regions)
        self.born_from = born_from
        self.days = (born_to - born_from).days + 1
        self.seq_lo, self.seq_hi = sequences
        self.size = len(self.regions) * self.days * (self.seq_hi - self.seq_lo)
        self.perm = Permutation(self.size, self.seed)

    def __getitem__(self, index: int) -> Person:
        if index >= self.size:
            raise ValueError(f"人数超出可生成的身份证号范围（{self.size}）")
        p = self.perm(index)
        region = self.regions[p % len(self.regions)]
        p //= len(self.regions)
        span = self.seq_hi - self.seq_lo
        seq = self.seq_lo + p % span
        born = self.born_from + dt.timedelta(days=p // span)
        body = f"{region}{born:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        bits = mix(self.seed ^ (index * 0x9E3779B1))
        male = seq % 2 == 1
        given = GIVEN_MALE if male else GIVEN_FEMALE
        name = SURNAMES[bits % len(SURNAMES)] + given[(bits >> 8) % len(given)]
        if (bits >> 16) % 3:  # two thirds have a two-character given name
            name += given[(bits >> 24) % len(given)]
        phone = PHONE_PREFIXES[(bits >> 32) % len(PHONE_PREFIXES)] + f"{(bits >> 37) % 10**8:08d}"
        return Person(name, number, "male" if male else "female", born, phone)


# ---------------------------------------------------------------- personal data at rest


class Crypto:
    """Encrypts personal values exactly as :class:`~zhijiao.core.personal.EncryptedCharField`
    stores them (``<key id>$base64(nonce ‖ ciphertext ‖ tag)``, SM4-GCM under the platform key)
    and seals values with a learner's own key as :mod:`zhijiao.creditbank.sealing` does — but the
    nonce is derived from the seed and the place of the value (table, row, field) instead of
    drawn at random, so that a seed gives the same bytes every time. Each place gets a nonce of
    its own; the data is fictitious."""

    def __init__(self, seed: int) -> None:
        keys = personal.keys()
        self.key_id = keys.encrypt_id
        self.cipher_key = algorithms.SM4(keys.data[keys.encrypt_id])
        self.lookup_key = keys.lookup
        self.seed = seed
        probe = "320281199001011234"
        if self.digest(probe, "probe") != personal.lookup_digest(probe, purpose="probe"):
            raise RuntimeError("lookup digests differ from zhijiao.core.personal")
        if personal.decrypt(self.encrypt(probe, "probe", 0, "x")) != probe:
            raise RuntimeError("encryption differs from zhijiao.core.personal")

    def nonce(self, table: str, row: int, name: str) -> bytes:
        return hashlib.blake2b(
            f"{self.seed}:{table}:{row}:{name}".encode(), digest_size=12
        ).digest()

    def encrypt(self, plaintext: str, table: str, row: int, name: str) -> str:
        nonce = self.nonce(table, row, name)
        encryptor = Cipher(self.cipher_key, modes.GCM(nonce)).encryptor()
        body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
        return f"{self.key_id}${base64.b64encode(nonce + body + encryptor.tag).decode('ascii')}"

    def digest(self, value: str, purpose: str) -> str:
        """HMAC-SM3 of the normalised value, as :func:`zhijiao.core.personal.lookup_digest`."""
        text = f"{purpose}\x00{personal.normalise(value)}".encode()
        return hmac.new(self.lookup_key, text, "sm3").hexdigest()

    def data_key(self, table: str, row: int) -> str:
        """A learner's own data key (hex), derived from the seed."""
        return hashlib.blake2b(
            f"{self.seed}:{table}:{row}:key".encode(), digest_size=16
        ).hexdigest()

    def seal(self, data_key: str, account: str, text: str, place: str) -> str:
        """``text`` sealed with a learner's key, bound to the account number (as
        :func:`zhijiao.creditbank.sealing.seal`)."""
        nonce = hashlib.blake2b(f"{self.seed}:seal:{place}".encode(), digest_size=12).digest()
        encryptor = Cipher(algorithms.SM4(bytes.fromhex(data_key)), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(account.encode("ascii"))
        body = encryptor.update(text.encode("utf-8")) + encryptor.finalize()
        return "lk1$" + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


# ---------------------------------------------------------------- progress and the writer


class Output(Protocol):
    def write(self, text: str) -> Any: ...

    def flush(self) -> Any: ...


class Progress:
    """Chinese progress lines, with the time since the start: a step, or a table about every
    tenth of the way."""

    def __init__(self, out: Output | None = None, *, quiet: bool = False) -> None:
        self.out = out or sys.stdout
        self.quiet = quiet
        self.started = time.perf_counter()

    def line(self, text: str) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self.started
            self.out.write(f"[{elapsed:7.1f} 秒] {text}\n")
            self.out.flush()


@dataclass
class TableCount:
    label: str
    rows: int = 0
    seconds: float = 0.0


@dataclass
class Writer:
    """Writes rows (tuples in a declared column order) into a model's table in bulk: PostgreSQL
    ``COPY … FROM STDIN`` (psycopg 3), SQLite ``executemany`` in batches of ``batch`` rows.

    Values are ints, strs, bools or None; dates and times come as text (``YYYY-MM-DD``, and UTC
    ``YYYY-MM-DD HH:MM:SS`` — see :func:`utc_text`), JSON as its text. Every non-null column of
    the table must be given: the models' defaults live in Python, not in the database.
    """

    progress: Progress
    batch: int = 20_000
    counts: dict[str, TableCount] = field(default_factory=dict)
    models_written: list[type[models.Model]] = field(default_factory=list)

    @property
    def vendor(self) -> str:
        return connection.vendor

    def _columns(self, model: type[models.Model], columns: Sequence[str]) -> list[str]:
        by_name = {f.name: f for f in model._meta.concrete_fields}
        by_column = {f.column: f for f in model._meta.concrete_fields}
        names = []
        for name in columns:
            f = by_name.get(name) or by_column.get(name)
            if f is None:
                raise ValueError(f"{model._meta.label} 没有字段 {name}")
            names.append(str(f.column))
        # Every non-null column, defaults included: the models' defaults live in Python.
        missing = [
            str(f.column)
            for f in model._meta.concrete_fields
            if f.column not in names and not f.null
        ]
        if missing:
            raise ValueError(f"{model._meta.label} 缺少非空字段：{', '.join(missing)}")
        return names

    def write(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        label: str = "",
    ) -> int:
        """Writes the rows; returns how many. Can be called again for the same table (chunks)."""
        names = self._columns(model, columns)
        table = model._meta.db_table
        label = label or str(model._meta.verbose_name)
        if model not in self.models_written:
            self.models_written.append(model)
        count = self.counts.setdefault(table, TableCount(label))
        started = time.perf_counter()
        written = 0
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        if self.vendor == "postgresql":
            connection.ensure_connection()
            raw = connection.connection
            assert raw is not None
            with raw.cursor() as cursor:
                sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
                with cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
        else:
            marks = ", ".join("%s" for _ in names)
            sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"  # noqa: S608 - our own table and columns
            with connection.cursor() as cursor:
                pending: list[Sequence[Any]] = []
                for row in rows:
                    pending.append(row)
                    if len(pending) >= self.batch:
                        cursor.executemany(sql, pending)
                        written += len(pending)
                        pending = []
                if pending:
                    cursor.executemany(sql, pending)
                    written += len(pending)
        count.rows += written
        count.seconds += time.perf_counter() - started
        return written

    def bulk_begin(self, bulk_models: Sequence[type[models.Model]]) -> None:
        """PostgreSQL: takes the secondary indexes, unique and foreign-key constraints off the
        volume tables (keeping their definitions) so that COPY only appends; :meth:`bulk_end`
        puts them back, building each index once over the whole table and validating each
        foreign key with one join — all inside the caller's transaction, so a violation rolls
        everything back. Check constraints and primary keys stay on throughout."""
        self.saved: list[tuple[str, str, str]] = []  # (kind, table, SQL to restore)
        if self.vendor != "postgresql":
            return
        tables = [m._meta.db_table for m in bulk_models]
        drops_fk, drops_unique, drops_index = [], [], []
        with connection.cursor() as cursor:
            for table in tables:
                quoted = connection.ops.quote_name(table)
                cursor.execute(
                    "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname",
                    [table],
                )
                for name, kind, definition in cursor.fetchall():
                    add = f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                    drop = f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}"
                    if kind == "f":
                        self.saved.append(("fk", table, add))
                        drops_fk.append(drop)
                    else:
                        self.saved.append(("unique", table, add))
                        drops_unique.append(drop)
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint "
                    "WHERE conrelid = %s::regclass) ORDER BY indexname",
                    [table, table],
                )
                for name, definition in cursor.fetchall():
                    self.saved.append(("index", table, definition))
                    drops_index.append(f"DROP INDEX {connection.ops.quote_name(name)}")
            for statement in drops_fk + drops_unique + drops_index:
                cursor.execute(statement)
        self.progress.line(
            f"批量写入：暂时移除 {len(drops_index)} 个索引、{len(drops_unique)} 个唯一约束、"
            f"{len(drops_fk)} 个外键，写完后重建并校验"
        )

    def bulk_end(self) -> None:
        saved = getattr(self, "saved", [])
        if not saved:
            return
        started = time.perf_counter()
        self.progress.line("重建索引与唯一约束、校验外键")
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for kind in ("unique", "index", "fk"):
                for _kind, _table, statement in (s for s in saved if s[0] == kind):
                    cursor.execute(statement)
        count = self.counts.setdefault("（索引与约束）", TableCount("重建与校验"))
        count.seconds += time.perf_counter() - started
        self.saved = []

    def reset_sequences(self) -> None:
        """Moves PostgreSQL's sequences past the keys written here (SQLite's AUTOINCREMENT keeps
        track of explicit keys by itself)."""
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), self.models_written)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    def analyse(self) -> None:
        """Fresh planner statistics for the tables written (PostgreSQL), as autovacuum would
        gather them later: the pages' plans depend on them."""
        if self.vendor != "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            return
        with connection.cursor() as cursor:
            for model in self.models_written:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def ordered_map(fn: Callable[[int], Any], items: Iterable[int], workers: int) -> Iterator[Any]:
    """``map(fn, items)`` in order, drawn by ``workers`` forked processes when more than one
    (a few results ahead at most, so memory stays bounded). ``fn`` must be a module-level
    function using only what the process had when it forked — never the database: the children
    share the parent's connection, which only the parent may use."""
    if workers <= 1:
        yield from map(fn, items)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        pending: deque[Any] = deque()
        source = iter(items)
        for item in itertools.islice(source, workers * 2):
            pending.append(pool.apply_async(fn, (item,)))
        while pending:
            result = pending.popleft().get()
            following = next(source, None)
            if following is not None:
                pending.append(pool.apply_async(fn, (following,)))
            yield result


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@dataclass
class Context:
    """What a module's generator gets: the scale, the seed, the reference date, the writer and
    encryption, and what earlier modules made (``world``)."""

    scale: Scale
    seed: int
    today: dt.date
    writer: Writer
    crypto: Crypto
    progress: Progress
    world: Any = None
    notes: list[str] = field(default_factory=list)
    workers: int = 1

    def rng(self, name: str) -> random.Random:
        return rng_for(self.seed, name)

    def step(self, text: str) -> None:
        self.progress.line(text)

    def ticker(self, label: str, total: int) -> Callable[[int], None]:
        """A callback printing ``label`` done/total about every tenth."""
        marks = {max(1, total * k // 10) for k in range(1, 11)}
        state = {"done": 0}

        def tick(n: int) -> None:
            before = state["done"]
            state["done"] = after = before + n
            if any(before < m <= after for m in marks):
                self.progress.line(
                    f"{label}：{after:,}/{total:,}（{after * 100 // max(total, 1)}%）"
                )

        return tick
