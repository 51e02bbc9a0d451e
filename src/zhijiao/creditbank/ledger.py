"""The credit bank's ledger: an append-only hash chain of every credit, revocation, correction,
mutual recognition and erasure, with signed checkpoints of its head.

- **Entry.** ``hash = SM3(prev_hash ‖ canonical entry)`` where the canonical entry is the JSON
  object ``{"account", "at", "kind", "payload", "seq"}`` with sorted keys, no spaces, UTF-8, and
  ``at`` in UTC to the microsecond (``2026-01-02T03:04:05.000006Z``). The payload is stored as its
  own canonical JSON text, so verification rebuilds the bytes by concatenation and hashes them.
  The first entry's ``prev_hash`` is 64 zeros.
- **Appends** lock the single head row (``SELECT … FOR UPDATE``) for the rest of the caller's
  transaction: concurrent writers queue there and form one linear chain; a writer whose
  transaction rolls back leaves neither an entry nor a moved head.
- **The database refuses** UPDATE and DELETE on the entries and the checkpoints (triggers, see
  migration 0002), whatever the application asks.
- **Checkpoints** record (seq, hash, time) signed with the platform's Ed25519 key in a table of
  their own, and can be exported to a file kept elsewhere; :func:`verify` checks every one.
- :func:`verify` walks the chain in sequence order and names the first bad sequence number:
  a gap or reordering, a broken link, an entry whose content no longer matches its hash, a head
  or checkpoint that the chain does not reach or contradicts, a checkpoint with a bad signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import signing
from .models import LedgerCheckpoint, LedgerEntry, LedgerHead

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

GENESIS = "0" * 64
HEAD_PK = 1
CHECKPOINT_LEDGER = "zhijiao-creditbank-ledger"


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no whitespace, UTF-8 text (not \\u escapes)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def timestamp(at: dt.datetime) -> str:
    """An aware time as the ledger writes it: UTC, microseconds, a trailing Z."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _quoted(text: str) -> str:
    """``json.dumps(text, ensure_ascii=False)``, without the encoder for the usual plain text
    (account numbers, kinds, timestamps) — verification quotes three strings per entry."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'
    return json.dumps(text, ensure_ascii=False)


def entry_bytes(seq: int, kind: str, account: str, at: str, payload: str) -> bytes:
    """The canonical entry: equal to ``canonical_json`` of the five fields when ``payload`` is
    canonical JSON text (it always is when written by :func:`append`)."""
    return (
        '{"account":'
        + _quoted(account)
        + ',"at":'
        + _quoted(at)
        + ',"kind":'
        + _quoted(kind)
        + ',"payload":'
        + payload
        + ',"seq":'
        + str(seq)
        + "}"
    ).encode("utf-8")


def _link_bytes(prev_hash: str) -> bytes:
    try:
        return bytes.fromhex(prev_hash)
    except ValueError:
        return prev_hash.encode("utf-8")  # a damaged link still hashes; it will not match


def chain_hash(prev_hash: str, data: bytes) -> str:
    """SM3 over the previous hash (32 bytes) followed by the canonical entry."""
    return hashlib.new("sm3", _link_bytes(prev_hash) + data).hexdigest()


def entry_hash_of(entry: LedgerEntry) -> str:
    """The hash an entry's stored content gives (compare with ``entry.hash``)."""
    data = entry_bytes(entry.seq, entry.kind, entry.account, entry.at, entry.payload)
    return chain_hash(entry.prev_hash, data)


def entry_intact(entry: LedgerEntry) -> bool:
    """Whether an entry's content still gives its hash (a local check of one record)."""
    return entry_hash_of(entry) == entry.hash


# ---------------------------------------------------------------- appending


def _locked_head() -> LedgerHead:
    head = LedgerHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    # The head row is missing (a new database, or the tables were emptied): start it where the
    # chain ends. Two first writers may race here; the primary key lets one of them create it.
    last = LedgerEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    try:
        with transaction.atomic():
            LedgerHead.objects.create(
                pk=HEAD_PK, seq=last[0] if last else 0, hash=last[1] if last else GENESIS
            )
    except IntegrityError:
        pass
    return LedgerHead.objects.select_for_update().get(pk=HEAD_PK)


def append(kind: str, *, account: str, payload: Mapping[str, Any]) -> LedgerEntry:
    """Appends one entry and moves the head, inside the caller's transaction (which holds the
    head's lock until it ends). ``payload`` must be JSON-ready and hold nothing personal in the
    clear: seal personal details with the learner's key first."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.append must run inside the transaction of the change it records")
    head = _locked_head()
    seq = head.seq + 1
    at = timezone.now()
    at_text = timestamp(at)
    payload_text = canonical_json(payload)
    digest = chain_hash(head.hash, entry_bytes(seq, kind, account, at_text, payload_text))
    entry = LedgerEntry.objects.create(
        seq=seq,
        kind=kind,
        account=account,
        payload=payload_text,
        prev_hash=head.hash,
        hash=digest,
        at=at_text,
    )
    head.seq, head.hash, head.updated_at = seq, digest, at
    head.save(update_fields=["seq", "hash", "updated_at"])
    return entry


def payload_of(entry: LedgerEntry) -> dict[str, Any]:
    value = json.loads(entry.payload)
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------- checkpoints


def checkpoint_statement(seq: int, digest: str, at: str, public_key: str) -> bytes:
    """What a checkpoint's signature covers."""
    return canonical_json(
        {
            "at": at,
            "hash": digest,
            "ledger": CHECKPOINT_LEDGER,
            "public_key": public_key,
            "seq": seq,
        }
    ).encode("utf-8")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    public_key: str
    signature: str
    source: StrOrPromise = gettext_lazy("数据库")

    def as_dict(self) -> dict[str, Any]:
        return {
            "ledger": CHECKPOINT_LEDGER,
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at,
            "public_key": self.public_key,
            "signature": self.signature,
        }

    @property
    def signature_valid(self) -> bool:
        statement = checkpoint_statement(self.seq, self.hash, self.at, self.public_key)
        return signing.signature_valid(self.public_key, statement, self.signature)

    @classmethod
    def from_row(cls, row: LedgerCheckpoint) -> Checkpoint:
        return cls(
            seq=row.seq,
            hash=row.hash,
            at=timestamp(row.created_at),
            public_key=row.public_key,
            signature=row.signature,
            source=_("数据库检查点 {pk}").format(pk=row.pk),
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str) -> Checkpoint:
        try:
            return cls(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                at=str(data["at"]),
                public_key=str(data["public_key"]),
                signature=str(data["signature"]),
                source=source,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                _("{source} 不是账本检查点（缺少 seq/hash/at/public_key/signature）").format(
                    source=source
                )
            ) from exc


@transaction.atomic
def checkpoint_create() -> Checkpoint:
    """Signs the current head and keeps the checkpoint. The head is locked meanwhile, so the
    checkpoint names an entry that exists in the committed chain."""
    head = _locked_head()
    at = timezone.now()
    public_key = signing.public_key_hex()
    signature = signing.sign(checkpoint_statement(head.seq, head.hash, timestamp(at), public_key))
    row = LedgerCheckpoint.objects.create(
        seq=head.seq, hash=head.hash, created_at=at, public_key=public_key, signature=signature
    )
    return Checkpoint.from_row(row)


# ---------------------------------------------------------------- verification


class ProblemKind(StrEnum):
    GAP = "gap"
    BROKEN_LINK = "broken_link"
    WRONG_HASH = "wrong_hash"
    HEAD_MISMATCH = "head_mismatch"
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    CHECKPOINT_SIGNATURE = "checkpoint_signature"
    CHECKPOINT_KEY = "checkpoint_key"


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: ProblemKind
    message: str

    def __str__(self) -> str:
        return _("第 {seq} 号：{message}").format(seq=self.seq, message=self.message)


@dataclass(frozen=True)
class VerifyReport:
    entries: int
    head_seq: int
    head_hash: str
    checkpoints: int
    problem: Problem | None

    @property
    def intact(self) -> bool:
        return self.problem is None

    @property
    def first_bad_seq(self) -> int | None:
        return self.problem.seq if self.problem is not None else None


def _rows(
    chunk_size: int, between: tuple[int, int] | None = None
) -> Iterator[tuple[int, str, str, str, str, str, str]]:
    """Every entry in order (or those with ``seq`` in ``between``), fetched in chunks through a
    server-side cursor on PostgreSQL and without the ORM's per-row work: verifying is a walk over
    millions of rows."""
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    column_of = {f.name: f.column or f.name for f in LedgerEntry._meta.concrete_fields}
    names = [
        connection.ops.quote_name(column_of[name])
        for name in ("seq", "kind", "account", "payload", "prev_hash", "hash", "at")
    ]
    where, params = "", []
    if between is not None:
        where, params = f"WHERE {names[0]} BETWEEN %s AND %s ", list(between)
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(names)} FROM {table} {where}ORDER BY {names[0]}",  # noqa: S608
            params,
        )
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


@dataclass
class _Walk:
    """What walking a stretch of the chain found: its first row (seq and stored link), its last
    row, how many rows, and the problems — the walk stops at the first break in the chain."""

    first_seq: int | None = None
    first_prev: str = ""
    last_seq: int = 0
    last_hash: str = GENESIS
    count: int = 0
    problems: list[Problem] = field(default_factory=list)
    broken: bool = False


def _walk(
    rows: Iterable[tuple[int, str, str, str, str, str, str]],
    by_seq: Mapping[int, list[Checkpoint]],
    *,
    expected: int | None,
    prev: str | None,
) -> _Walk:
    """Checks each row's place (``expected``), link (``prev``) and hash, and the checkpoints
    that name it. ``None``: the first row's place and link are the caller's to check (a stretch
    after another)."""
    walk = _Walk()
    want, link = expected or 0, prev or ""
    for seq, kind, account, payload, prev_hash, stored_hash, at in rows:
        if walk.first_seq is None:
            walk.first_seq, walk.first_prev = seq, prev_hash
            want = seq if expected is None else want
            link = prev_hash if prev is None else link
        if seq != want:
            walk.problems.append(_gap(want, seq))
            walk.broken = True
            break
        if prev_hash != link:
            walk.problems.append(_broken_link(seq))
            walk.broken = True
            break
        data = entry_bytes(seq, kind, account, at, payload)
        if chain_hash(prev_hash, data) != stored_hash:
            walk.problems.append(
                Problem(seq, ProblemKind.WRONG_HASH, _("记录内容与其哈希不符（记录被修改）"))
            )
            walk.broken = True
            break
        for cp in by_seq.get(seq, ()):
            if cp.hash != stored_hash:
                walk.problems.append(
                    Problem(
                        seq,
                        ProblemKind.CHECKPOINT_MISMATCH,
                        _(
                            "{source}（{at}）签署的哈希与账本不符：第 {seq} 号及之前的记录被改写"
                        ).format(source=cp.source, at=cp.at, seq=seq),
                    )
                )
        link, want = stored_hash, seq + 1
        walk.count += 1
        walk.last_seq, walk.last_hash = seq, stored_hash
    return walk


def _gap(expected: int, seq: int) -> Problem:
    return Problem(
        expected,
        ProblemKind.GAP,
        _("记录缺失或顺序被打乱：应为第 {expected} 号，实际是第 {seq} 号").format(
            expected=expected, seq=seq
        ),
    )


def _broken_link(seq: int) -> Problem:
    return Problem(
        seq,
        ProblemKind.BROKEN_LINK,
        _("与第 {seq} 号记录的哈希链接断开（其前记录被删除、插入、调换或改写）").format(
            seq=seq - 1
        ),
    )


def _walk_part(
    between: tuple[int, int], by_seq: Mapping[int, list[Checkpoint]], chunk_size: int
) -> _Walk:
    return _walk(_rows(chunk_size, between), by_seq, expected=None, prev=None)


def _walk_parts(parts: int, by_seq: Mapping[int, list[Checkpoint]], chunk_size: int) -> list[_Walk]:
    """The chain cut into ``parts`` stretches of sequence numbers, each walked on its own —
    every row's hash depends only on its own stored link, so the stretches can be checked at
    once, and the links between them afterwards. On PostgreSQL, outside a transaction, each
    stretch is walked by a process of its own with its own connection; otherwise (SQLite, or
    inside a transaction whose rows another connection could not see) one after the other."""
    low, high = LedgerEntry.objects.aggregate(low=Min("seq"), high=Max("seq")).values()
    if low is None:
        return []
    size = -(-(high - low + 1) // parts)
    stretches = [(start, min(start + size - 1, high)) for start in range(low, high + 1, size)]
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(stretches) < 2:
        return [_walk_part(between, by_seq, chunk_size) for between in stretches]
    connections.close_all()  # the processes must not share this one's sockets
    with multiprocessing.get_context("fork").Pool(len(stretches)) as pool:
        return pool.starmap(_walk_part, [(between, by_seq, chunk_size) for between in stretches])


def verify(
    *, extra_checkpoints: Iterable[Checkpoint] = (), chunk_size: int = 5000, parts: int = 1
) -> VerifyReport:
    """Walks the whole chain and every checkpoint; the report names the first bad sequence
    number, or none when the ledger is intact. Reads only. ``parts`` > 1 walks that many
    stretches of the chain at once (:func:`_walk_parts`), with the same report."""
    trusted = signing.public_key_hex()
    checkpoints = [Checkpoint.from_row(r) for r in LedgerCheckpoint.objects.order_by("seq", "pk")]
    checkpoints += list(extra_checkpoints)
    problems: list[Problem] = []
    by_seq: dict[int, list[Checkpoint]] = {}
    for cp in checkpoints:
        if not cp.signature_valid:
            problems.append(
                Problem(
                    cp.seq,
                    ProblemKind.CHECKPOINT_SIGNATURE,
                    _("{source}的签名无效（检查点被伪造或篡改）").format(source=cp.source),
                )
            )
        elif cp.public_key != trusted:
            problems.append(
                Problem(
                    cp.seq,
                    ProblemKind.CHECKPOINT_KEY,
                    _("{source}不是由本平台的签名密钥签署的（密钥更换后请重新生成检查点）").format(
                        source=cp.source
                    ),
                )
            )
        else:
            by_seq.setdefault(cp.seq, []).append(cp)

    if parts > 1:
        walks = _walk_parts(parts, by_seq, chunk_size)
    else:
        walks = [_walk(_rows(chunk_size), by_seq, expected=1, prev=GENESIS)]
    count = 0
    last_seq, last_hash = 0, GENESIS
    for walk in walks:
        if walk.first_seq is None:
            continue  # a stretch without rows: the next one's first row shows the gap
        if walk.first_seq != last_seq + 1:
            problems.append(_gap(last_seq + 1, walk.first_seq))
            break
        if walk.first_prev != last_hash:
            problems.append(_broken_link(walk.first_seq))
            break
        problems += walk.problems
        count += walk.count
        last_seq, last_hash = walk.last_seq, walk.last_hash
        if walk.broken:
            break
    else:
        head = LedgerHead.objects.filter(pk=HEAD_PK).values_list("seq", "hash").first()
        if head is not None and head != (last_seq, last_hash):
            head_seq, head_hash = head
            if head_seq > last_seq:
                problems.append(
                    Problem(
                        last_seq + 1,
                        ProblemKind.HEAD_MISMATCH,
                        _("账本头记录到第 {head} 号，账本只到第 {last} 号：末尾记录被删除").format(
                            head=head_seq, last=last_seq
                        ),
                    )
                )
            elif head_seq < last_seq:
                problems.append(
                    Problem(
                        head_seq + 1,
                        ProblemKind.HEAD_MISMATCH,
                        _(
                            "账本头只记录到第 {head} 号，账本却有第 {last} 号：记录绕过系统被追加"
                        ).format(head=head_seq, last=last_seq),
                    )
                )
            else:
                problems.append(
                    Problem(
                        last_seq,
                        ProblemKind.HEAD_MISMATCH,
                        _("账本头记录的哈希 {hash}… 与第 {last} 号记录不符").format(
                            hash=head_hash[:12], last=last_seq
                        ),
                    )
                )
        for cp_seq, cps in by_seq.items():
            if cp_seq > last_seq:
                problems.append(
                    Problem(
                        last_seq + 1,
                        ProblemKind.CHECKPOINT_MISMATCH,
                        _(
                            "{source}（{at}）表明账本至少有 {count} 条记录，"
                            "现只有 {last} 条：第 {first_missing} 号起的记录被删除"
                        ).format(
                            source=cps[0].source,
                            at=cps[0].at,
                            count=cp_seq,
                            last=last_seq,
                            first_missing=last_seq + 1,
                        ),
                    )
                )
    problem = min(problems, key=lambda p: (p.seq, list(ProblemKind).index(p.kind)), default=None)
    head_row = LedgerHead.objects.filter(pk=HEAD_PK).first()
    return VerifyReport(
        entries=count,
        head_seq=head_row.seq if head_row else last_seq,
        head_hash=head_row.hash if head_row else last_hash,
        checkpoints=len(checkpoints),
        problem=problem,
    )
