"""Loading a catalogue edition from a file: all of it, or none of it.

A file is UTF-8 CSV (a BOM is tolerated). Lines starting with ``#`` are comments; ``# 名称：…`` and
``# 来源：…`` among them give the edition's title and source when the command does not. The first
other line is the header. See docs/talent-catalogues.md for the columns of each catalogue.

Every row is checked first — the code's form (``talent.codes``), its level, a parent present in
the same edition, duplicates, names, marks; for the mapping, that each code exists in the current
edition of its catalogue — and every problem is reported with its line number. Only a clean file
is written, in one transaction: entries new to the edition are created, changed ones updated,
those no longer in the file removed (unless a demand line or a mapping still points at them).
Loading the same file again changes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction

from . import codes
from .data import CATALOGUE_SOURCES, CatalogueKind, TalentErrorCode
from .models import (
    CatalogueEdition,
    DemandLine,
    Industry,
    Major,
    MajorOccupation,
    Occupation,
)

MAX_NAME = 200
MAX_SOURCE = 200
MAX_ERRORS = 200
EDITION_NAME_MAX = 40

H_CODE, H_NAME, H_MARKS = "代码", "名称", "标识"
H_MAJOR, H_OCCUPATION, H_INDUSTRY, H_SOURCE, H_NOTE = (
    "专业代码",
    "职业代码",
    "行业代码",
    "来源",
    "说明",
)
COLUMNS: dict[str, tuple[list[str], list[str]]] = {
    # kind: (required headers, optional headers)
    CatalogueKind.OCCUPATIONS: ([H_CODE, H_NAME], [H_MARKS]),
    CatalogueKind.MAJORS: ([H_CODE, H_NAME], []),
    CatalogueKind.INDUSTRIES: ([H_CODE, H_NAME], []),
    CatalogueKind.MAPPING: ([H_MAJOR, H_OCCUPATION, H_INDUSTRY, H_SOURCE], [H_NOTE]),
}
ENTRY_MODELS: dict[str, type[Occupation] | type[Major] | type[Industry]] = {
    CatalogueKind.OCCUPATIONS: Occupation,
    CatalogueKind.MAJORS: Major,
    CatalogueKind.INDUSTRIES: Industry,
}


@dataclass(frozen=True, order=True)
class LineError:
    """One problem on one line of a catalogue file (numbered as an editor shows them)."""

    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("第 {line} 行：{message}").format(line=self.line, message=self.message)
        return self.message


class CatalogueRejected(ServiceError):
    """A file refused as a whole: ``errors`` lists every problem; nothing was stored."""

    def __init__(self, message: str, errors: Iterable[LineError]) -> None:
        super().__init__(TalentErrorCode.CATALOGUE_REJECTED, message)
        self.errors = sorted(errors)


@dataclass
class LoadResult:
    edition: CatalogueEdition
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return _(
            "{title}：新增 {created} 条，修改 {updated} 条，删除 {removed} 条，未变 {unchanged} 条；"
            "共 {count} 条"
        ).format(
            title=self.edition.title,
            created=self.created,
            updated=self.updated,
            removed=self.removed,
            unchanged=self.unchanged,
            count=self.edition.entry_count,
        )


@dataclass
class ParsedFile:
    header: dict[str, int]
    rows: list[tuple[int, list[str]]]
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EntryRow:
    line: int
    code: str
    name: str
    level: int
    parent: str | None
    extra: dict[str, Any]


# ---------------------------------------------------------------- reading


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueRejected(
            _("文件不是 UTF-8 编码，请在 Excel 或编辑器中另存为“CSV UTF-8”后再载入"),
            [LineError(content[: exc.start].count(b"\n") + 1, _("此行含有非 UTF-8 字符"))],
        ) from exc


def parse_file(content: bytes, kind: str) -> ParsedFile:
    """The header and data rows of a catalogue file, each row with its line number."""
    text = _decode(content)
    required, optional = COLUMNS[kind]
    header: dict[str, int] | None = None
    rows: list[tuple[int, list[str]]] = []
    meta: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            body = stripped.lstrip("#").strip()
            for key in ("名称", "来源"):
                for sep in ("：", ":"):
                    if body.startswith(key + sep):
                        meta.setdefault(key, body[len(key) + 1 :].strip())
            continue
        cells = [c.strip() for c in next(csv.reader([line]))]
        if header is None:
            header = {c: i for i, c in enumerate(cells) if c}
            missing = [c for c in required if c not in header]
            if missing:
                raise CatalogueRejected(
                    _("文件表头不符合要求"),
                    [
                        LineError(
                            number,
                            _("表头缺少“{missing}”列；{kind}文件的列为：{columns}").format(
                                missing="”“".join(missing),
                                kind=CatalogueKind(kind).label,
                                columns="、".join(required + optional),
                            ),
                        )
                    ],
                )
            continue
        rows.append((number, cells))
    if header is None:
        raise CatalogueRejected(_("文件是空的"), [LineError(0, _("文件中没有表头和数据行"))])
    if not rows:
        raise CatalogueRejected(_("文件中没有数据行"), [LineError(0, _("表头之后没有任何条目"))])
    return ParsedFile(header=header, rows=rows, meta=meta)


def _cell(parsed: ParsedFile, cells: list[str], name: str) -> str:
    index = parsed.header.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _marks(text: str) -> dict[str, bool]:
    letters = {ch for ch in text.upper() if ch.isalnum()}
    if letters - {"S", "L"}:
        raise ValueError(
            _("标识“{text}”不正确，只能是 S（数字职业）、L（绿色职业）或二者").format(text=text)
        )
    return {"is_digital": "S" in letters, "is_green": "L" in letters}


LEVEL_OF: dict[str, Callable[[str], int]] = {
    CatalogueKind.OCCUPATIONS: codes.occupation_level,
    CatalogueKind.MAJORS: codes.major_level,
    CatalogueKind.INDUSTRIES: codes.industry_level,
}
PARENT_OF: dict[str, Callable[[str], str | None]] = {
    CatalogueKind.OCCUPATIONS: codes.occupation_parent,
    CatalogueKind.MAJORS: codes.major_parent,
    CatalogueKind.INDUSTRIES: codes.industry_parent,
}
CLEAN: dict[str, Callable[[object], str]] = {
    CatalogueKind.OCCUPATIONS: codes.clean_occupation_code,
    CatalogueKind.MAJORS: codes.clean_major_code,
    CatalogueKind.INDUSTRIES: codes.clean_industry_code,
}


def check_entries(
    parsed: ParsedFile, kind: str, base: dict[str, EntryRow] | None = None
) -> tuple[list[EntryRow], list[LineError]]:
    """Every row of an entry catalogue checked; the rows and every problem found.

    ``base`` holds the entries of the edition this one extends (a supplement to a catalogue):
    the file may add codes to it or rename them, and parents may be found there.
    """
    errors: list[LineError] = []
    rows: dict[str, EntryRow] = {}
    first_line: dict[str, int] = {}
    for number, cells in parsed.rows:
        raw_code, name = _cell(parsed, cells, H_CODE), _cell(parsed, cells, H_NAME)
        try:
            code = CLEAN[kind](raw_code)
        except codes.CodeError as error:
            errors.append(LineError(number, error.message))
            continue
        if code in first_line:
            errors.append(
                LineError(
                    number,
                    _("代码 {code} 与第 {line} 行重复").format(code=code, line=first_line[code]),
                )
            )
            continue
        first_line[code] = number
        if not name:
            errors.append(LineError(number, _("代码 {code} 缺少名称").format(code=code)))
            continue
        if len(name) > MAX_NAME:
            errors.append(LineError(number, _("名称不能超过 {limit} 个字").format(limit=MAX_NAME)))
            continue
        extra: dict[str, Any] = {}
        if kind == CatalogueKind.OCCUPATIONS:
            try:
                extra = _marks(_cell(parsed, cells, H_MARKS))
            except ValueError as error:
                errors.append(LineError(number, str(error)))
                continue
        if kind == CatalogueKind.MAJORS:
            extra = {"stage": codes.major_stage(code).value}
        rows[code] = EntryRow(
            number, code, name, LEVEL_OF[kind](code), PARENT_OF[kind](code), extra
        )
    merged = {**(base or {}), **rows}
    for row in rows.values():
        if row.parent is not None and row.parent not in merged:
            label = codes.level_name(kind, row.level - 1)
            errors.append(
                LineError(
                    row.line,
                    _("代码 {code} 的上级{level} {parent} 不在本版本中，请先列出上级条目").format(
                        code=row.code, level=label, parent=row.parent
                    ),
                )
            )
    return sorted(merged.values(), key=lambda r: (r.level, r.code)), errors


@dataclass(frozen=True)
class MappingRow:
    line: int
    major: Major
    occupation: Occupation
    industry: Industry
    source: str
    note: str

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.major.pk, self.occupation.pk, self.industry.pk)


def current_edition(kind: str) -> CatalogueEdition | None:
    return CatalogueEdition.objects.filter(kind=kind, is_current=True).first()


def check_mapping(parsed: ParsedFile) -> tuple[list[MappingRow], list[LineError]]:
    """Every row of a mapping file, its codes resolved in the current edition of each catalogue."""
    errors: list[LineError] = []
    editions = {k: current_edition(k) for k in ENTRY_MODELS}
    for kind, edition in editions.items():
        if edition is None:
            errors.append(
                LineError(
                    0,
                    _("尚未载入{kind}，请先载入后再载入职业面向").format(
                        kind=CatalogueKind(kind).label
                    ),
                )
            )
    if errors:
        return [], errors
    lookups: dict[str, dict[str, Any]] = {
        kind: {e.code: e for e in ENTRY_MODELS[kind].objects.filter(edition=editions[kind])}
        for kind in ENTRY_MODELS
    }
    rows: list[MappingRow] = []
    seen: dict[tuple[int, int, int], int] = {}
    for number, cells in parsed.rows:
        found: dict[str, Any] = {}
        for kind, header in (
            (CatalogueKind.MAJORS, H_MAJOR),
            (CatalogueKind.OCCUPATIONS, H_OCCUPATION),
            (CatalogueKind.INDUSTRIES, H_INDUSTRY),
        ):
            try:
                code = CLEAN[kind](_cell(parsed, cells, header))
            except codes.CodeError as error:
                errors.append(
                    LineError(
                        number,
                        _("{header}：{message}").format(header=header, message=error.message),
                    )
                )
                continue
            entry = lookups[kind].get(code)
            if entry is None:
                edition = editions[kind]
                assert edition is not None
                errors.append(
                    LineError(
                        number,
                        _("{header} {code} 不在现行的{edition}中").format(
                            header=header, code=code, edition=edition.title
                        ),
                    )
                )
                continue
            found[kind] = entry
        source = _cell(parsed, cells, H_SOURCE)
        note = _cell(parsed, cells, H_NOTE)
        if not source:
            errors.append(LineError(number, _("请填写来源（这条对应关系出自何处）")))
        elif len(source) > MAX_SOURCE:
            errors.append(
                LineError(number, _("来源不能超过 {limit} 个字").format(limit=MAX_SOURCE))
            )
        if len(note) > 300:
            errors.append(LineError(number, _("说明不能超过 300 个字")))
        if len(found) < 3 or not source or len(source) > MAX_SOURCE or len(note) > 300:
            continue
        major = found[CatalogueKind.MAJORS]
        if major.level != 3:
            errors.append(
                LineError(
                    number,
                    _("专业代码 {code} 是专业类或专业大类，应为专业").format(code=major.code),
                )
            )
            continue
        row = MappingRow(
            number,
            major,
            found[CatalogueKind.OCCUPATIONS],
            found[CatalogueKind.INDUSTRIES],
            source,
            note,
        )
        if row.key in seen:
            errors.append(LineError(number, _("与第 {line} 行重复").format(line=seen[row.key])))
            continue
        seen[row.key] = number
        rows.append(row)
    return rows, errors


# ---------------------------------------------------------------- writing


def _reject(errors: list[LineError]) -> None:
    if errors:
        shown = sorted(errors)[:MAX_ERRORS]
        lines = len({e.line for e in errors})
        raise CatalogueRejected(
            _(
                "载入失败：{lines} 行共 {count} 处错误，未保存任何条目。请按提示修改文件后重新载入。"
            ).format(lines=lines, count=len(errors)),
            shown,
        )


def _edition(
    *, kind: str, name: str, title: str, source: str, user: Any
) -> tuple[CatalogueEdition, bool]:
    name = name.strip()
    if not name or len(name) > EDITION_NAME_MAX:
        raise ServiceError(
            TalentErrorCode.INVALID_INPUT,
            _("请给出版本名称（不超过 {limit} 个字）").format(limit=EDITION_NAME_MAX),
        )
    edition = CatalogueEdition.objects.select_for_update().filter(kind=kind, name=name).first()
    if edition is not None:
        return edition, False
    edition = CatalogueEdition.objects.create(
        kind=kind,
        name=name,
        title=title or f"{CATALOGUE_SOURCES[kind]}（{name}）",
        source=source,
        loaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit.record(
        AuditAction.CREATE,
        obj=edition,
        actor=user,
        changes={"kind": [None, kind], "name": [None, name], "title": [None, edition.title]},
        message="新建目录版本",
    )
    return edition, True


def _used_codes(kind: str, edition: CatalogueEdition, codes_: Iterable[str]) -> list[str]:
    """Those of the codes that a mapping or a demand line still points at in this edition."""
    wanted = list(codes_)
    if not wanted:
        return []
    entries = ENTRY_MODELS[kind].objects.filter(edition=edition, code__in=wanted)
    used = set(entries.filter(mappings__isnull=False).values_list("code", flat=True))
    if kind == CatalogueKind.OCCUPATIONS:
        used |= set(
            DemandLine.objects.filter(
                occupation__edition=edition, occupation__code__in=wanted
            ).values_list("occupation__code", flat=True)
        )
    return sorted(used)


def _make_current(edition: CatalogueEdition, values: dict[str, Any]) -> None:
    """Marks the edition current (in ``values``), after the previous current one stops being so:
    the database allows one current edition per catalogue."""
    for previous in (
        CatalogueEdition.objects.select_for_update()
        .filter(kind=edition.kind, is_current=True)
        .exclude(pk=edition.pk)
    ):
        audit.save_changes(previous, {"is_current": False}, message="不再是现行版本")
    values["is_current"] = True


def _write_entries(
    *, kind: str, edition: CatalogueEdition, rows: list[EntryRow], user: Any
) -> LoadResult:
    model = ENTRY_MODELS[kind]
    existing: dict[str, Any] = {e.code: e for e in model.objects.filter(edition=edition)}
    wanted = {r.code for r in rows}
    gone = [code for code in existing if code not in wanted]
    in_use = _used_codes(kind, edition, gone)
    if in_use:
        raise CatalogueRejected(
            _("载入失败：文件删去了仍在使用的条目，未保存任何条目"),
            [
                LineError(
                    0,
                    _("以下代码已被岗位需求或职业面向引用，不能从本版本删除：{codes}").format(
                        codes="、".join(in_use[:50])
                    ),
                )
            ],
        )
    result = LoadResult(edition=edition)
    fields = ["name", "level", *(rows[0].extra.keys() if rows else [])]
    by_code: dict[str, Any] = dict(existing)
    created: list[Any] = []
    changed: list[tuple[Any, dict[str, Any]]] = []
    # Parents first: the rows come sorted by level, so a parent's id is known when its
    # children are written.
    for level in sorted({r.level for r in rows}):
        new_here: list[Any] = []
        for row in (r for r in rows if r.level == level):
            values = {"name": row.name, "level": row.level, **row.extra}
            parent = by_code.get(row.parent) if row.parent else None
            entry = existing.get(row.code)
            if entry is None:
                entry = model(edition=edition, code=row.code, parent=parent, **values)
                new_here.append(entry)
                continue
            diff = {k: [getattr(entry, k), v] for k, v in values.items() if getattr(entry, k) != v}
            parent_id = parent.pk if parent is not None else None
            if entry.parent_id != parent_id:
                diff["parent"] = [entry.parent_id, parent_id]
                entry.parent_id = parent_id
            if diff:
                for key, (_old, new) in diff.items():
                    if key != "parent":
                        setattr(entry, key, new)
                changed.append((entry, diff))
            else:
                result.unchanged += 1
        model.objects.bulk_create(new_here, batch_size=1000)
        for entry in new_here:
            by_code[entry.code] = entry
        created.extend(new_here)
    if changed:
        model.objects.bulk_update([e for e, _ in changed], [*fields, "parent"], batch_size=1000)
        for entry, diff in changed:
            audit.record(
                AuditAction.UPDATE,
                obj=entry,
                actor=user,
                changes=diff,
                message=f"载入{edition.title}",
            )
    if gone:
        doomed = list(model.objects.filter(edition=edition, code__in=gone).order_by("-level"))
        for entry in doomed:
            audit.record(
                AuditAction.DELETE,
                obj=entry,
                actor=user,
                changes={"code": [entry.code, None], "name": [entry.name, None]},
                message=f"载入{edition.title}：文件中已无此条目",
            )
        # Children before parents (the parent link cascades otherwise).
        for level in sorted({e.level for e in doomed}, reverse=True):
            model.objects.filter(edition=edition, code__in=gone, level=level).delete()
    audit.record_bulk_create(
        created, ["code", "name", "level", "parent"], actor=user, message=f"载入{edition.title}"
    )
    result.created, result.updated, result.removed = len(created), len(changed), len(gone)
    return result


def _write_mapping(*, edition: CatalogueEdition, rows: list[MappingRow], user: Any) -> LoadResult:
    existing = {
        (m.major_id, m.occupation_id, m.industry_id): m
        for m in MajorOccupation.objects.filter(edition=edition)
    }
    result = LoadResult(edition=edition)
    created: list[MajorOccupation] = []
    wanted = set()
    for row in rows:
        wanted.add(row.key)
        entry = existing.get(row.key)
        if entry is None:
            created.append(
                MajorOccupation(
                    edition=edition,
                    major=row.major,
                    occupation=row.occupation,
                    industry=row.industry,
                    source=row.source,
                    note=row.note,
                    created_by=user if getattr(user, "is_authenticated", False) else None,
                )
            )
            continue
        if audit.save_changes(
            entry, {"source": row.source, "note": row.note}, message=f"载入{edition.title}"
        ):
            result.updated += 1
        else:
            result.unchanged += 1
    MajorOccupation.objects.bulk_create(created, batch_size=1000)
    audit.record_bulk_create(
        created,
        ["major", "occupation", "industry", "source"],
        actor=user,
        message=f"载入{edition.title}",
    )
    gone = [m for key, m in existing.items() if key not in wanted]
    for mapping in gone:
        audit.record(
            AuditAction.DELETE,
            obj=mapping,
            actor=user,
            changes={"source": [mapping.source, None]},
            message=f"载入{edition.title}：文件中已无此对应关系",
        )
    MajorOccupation.objects.filter(pk__in=[m.pk for m in gone]).delete()
    result.created, result.removed = len(created), len(gone)
    return result


def _base_rows(kind: str, extends: str) -> dict[str, EntryRow]:
    base = CatalogueEdition.objects.filter(kind=kind, name=extends.strip()).first()
    if base is None:
        raise ServiceError(
            TalentErrorCode.NO_CATALOGUE,
            _("要增补的版本“{edition}”尚未载入（{kind}）").format(
                edition=extends, kind=CatalogueKind(kind).label
            ),
        )
    model = ENTRY_MODELS[kind]
    rows: dict[str, EntryRow] = {}
    for entry in model.objects.filter(edition=base):
        extra: dict[str, Any] = {}
        if isinstance(entry, Occupation):
            extra = {"is_digital": entry.is_digital, "is_green": entry.is_green}
        if isinstance(entry, Major):
            extra = {"stage": entry.stage}
        rows[entry.code] = EntryRow(
            0, entry.code, entry.name, entry.level, PARENT_OF[kind](entry.code), extra
        )
    return rows


@transaction.atomic
def catalogue_load(
    *,
    kind: str,
    content: bytes,
    edition: str,
    title: str = "",
    source: str = "",
    extends: str = "",
    make_current: bool = True,
    user: Any = None,
) -> LoadResult:
    """Loads one edition of a catalogue from a file's bytes, all or nothing (see module doc).

    ``extends`` names an edition of the same catalogue that this one supplements (the file then
    lists only what the supplement adds or renames). The loaded edition becomes the current one
    unless ``make_current`` is false.
    """
    if kind not in COLUMNS:
        raise ServiceError(
            TalentErrorCode.INVALID_INPUT, _("未知的目录类型“{kind}”").format(kind=kind)
        )
    if extends and kind == CatalogueKind.MAPPING:
        raise ServiceError(TalentErrorCode.INVALID_INPUT, _("职业面向不支持增补方式载入"))
    parsed = parse_file(content, kind)
    if kind == CatalogueKind.MAPPING:
        mapping_rows, errors = check_mapping(parsed)
        _reject(errors)
        entry_rows: list[EntryRow] = []
    else:
        base = _base_rows(kind, extends) if extends else None
        entry_rows, errors = check_entries(parsed, kind, base)
        _reject(errors)
    the_edition, _created = _edition(
        kind=kind,
        name=edition,
        title=title or parsed.meta.get("名称", ""),
        source=source or parsed.meta.get("来源", ""),
        user=user,
    )
    if kind == CatalogueKind.MAPPING:
        result = _write_mapping(edition=the_edition, rows=mapping_rows, user=user)
        count = MajorOccupation.objects.filter(edition=the_edition).count()
    else:
        result = _write_entries(kind=kind, edition=the_edition, rows=entry_rows, user=user)
        count = ENTRY_MODELS[kind].objects.filter(edition=the_edition).count()
    values: dict[str, Any] = {"entry_count": count}
    if result.created or result.updated or result.removed:
        values["loaded_at"] = timezone.now()
    if make_current and not the_edition.is_current:
        _make_current(the_edition, values)
    audit.save_changes(the_edition, values, message="载入目录")
    audit.record(
        AuditAction.IMPORT,
        obj=the_edition,
        actor=user,
        message=result.summary()[:500],
    )
    return result


def edition_make_current(*, kind: str, name: str, user: Any = None) -> CatalogueEdition:
    """Makes a loaded edition the current one of its catalogue."""
    with transaction.atomic():
        edition = CatalogueEdition.objects.select_for_update().filter(kind=kind, name=name).first()
        if edition is None:
            raise ServiceError(
                TalentErrorCode.NO_CATALOGUE, _("版本“{name}”尚未载入").format(name=name)
            )
        if not edition.is_current:
            values: dict[str, Any] = {}
            _make_current(edition, values)
            audit.save_changes(edition, values, message="设为现行版本")
        return edition
