"""Job postings (招聘信息): import from CSV, Excel or JSON, de-duplication, classification, and the
analyst's corrections, which teach the alias dictionary.

An import is all or nothing: every row is checked (an empty or garbled posting, a bad date or
headcount, a cluster or occupation code that does not exist) and every problem reported with its
row number; only a clean file is written, in one transaction, with one audit row for the batch.
Duplicates are not errors: a posting whose fingerprint (company, title and text, normalized) is
already stored, or appears earlier in the same file, is skipped and counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    RowError,
    cell_int,
    cell_text,
    reject_if_errors,
    xlsx_table,
)
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import User
from zhijiao.orgs.roles import Capability, require_capability

from . import codes
from .catalogue import current_edition
from .classify import Classifier, build_classifier, clean_title, normalize
from .data import (
    MAX_HEADCOUNT,
    MAX_POSTING_TEXT,
    MAX_POSTING_TITLE,
    REVIEW_BELOW,
    CatalogueKind,
    ClassifyMethod,
    Cluster,
    PostingErrorCode,
    TalentErrorCode,
)
from .models import Occupation, OccupationAlias, Posting, PostingBatch

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

H_TITLE, H_TEXT, H_COMPANY, H_DATE, H_COUNT = (
    gettext_lazy("职位名称"),
    gettext_lazy("职位描述"),
    gettext_lazy("招聘单位"),
    gettext_lazy("发布日期"),
    gettext_lazy("招聘人数"),
)
H_SOURCE_ID, H_CLUSTER, H_OCCUPATION = (
    gettext_lazy("来源编号"),
    gettext_lazy("产业集群"),
    gettext_lazy("职业代码"),
)
COLUMNS = [H_TITLE, H_TEXT, H_COMPANY, H_DATE, H_COUNT, H_SOURCE_ID, H_CLUSTER, H_OCCUPATION]
# Keys a JSON file may use for each column (Chinese headers, or the English names of the API).
# Pairs rather than a dict: the headers are marked for translation and read only when used.
JSON_KEYS: tuple[tuple[StrOrPromise, tuple[str, ...]], ...] = (
    (H_TITLE, ("职位名称", "title")),
    (H_TEXT, ("职位描述", "text", "description")),
    (H_COMPANY, ("招聘单位", "company")),
    (H_DATE, ("发布日期", "posted_on", "date")),
    (H_COUNT, ("招聘人数", "headcount")),
    (H_SOURCE_ID, ("来源编号", "id", "external_id")),
    (H_CLUSTER, ("产业集群", "cluster")),
    (H_OCCUPATION, ("职业代码", "occupation")),
)
MAX_ROWS = 200_000
# Phone numbers and e-mail addresses are removed from descriptions: postings hold no personal data.
CONTACT = re.compile(r"1[3-9]\d{9}|\d{3,4}-\d{7,8}|[\w.+-]+@[\w-]+\.[\w.]+")
CJK = re.compile(r"[\u4e00-\u9fff]")
MOJIBAKE = re.compile(r"[\ufffd]|[ÃÂâ€åæçèéäïð][\x80-\xbf€™œ]|锟斤拷|烫烫|屯屯")


def _error(code: Any, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


@dataclass(frozen=True)
class PostingRow:
    """A posting as a file states it, not yet checked; ``number`` is its row (or item) number."""

    number: int
    title: str
    text: str = ""
    company: str = ""
    posted_on: str = ""
    headcount: Any = None
    external_id: str = ""
    cluster: str = ""
    occupation: str = ""


@dataclass(frozen=True)
class ImportResult:
    batch: PostingBatch
    imported: int
    duplicates: int
    classified: int
    to_review: int


# ---------------------------------------------------------------- reading files


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _error(
        PostingErrorCode.BAD_FILE, _("文件编码无法识别，请另存为 UTF-8 编码的 CSV 后重新上传")
    )


def read_rows(content: bytes, filename: str) -> list[PostingRow]:
    """The postings of a .csv, .xlsx or .json file (by its extension)."""
    name = filename.lower()
    if not content:
        raise _error(PostingErrorCode.BAD_FILE, _("文件是空的，请重新选择文件"))
    if name.endswith(".xlsx"):
        sheet = xlsx_table(
            content, columns=COLUMNS, required=[H_TITLE], name=filename, max_rows=MAX_ROWS
        )
        return [
            PostingRow(
                number=row.number,
                title=row.text(H_TITLE),
                text=row.text(H_TEXT),
                company=row.text(H_COMPANY),
                posted_on=row.text(H_DATE)[:10],
                headcount=row.values.get(H_COUNT),
                external_id=row.text(H_SOURCE_ID),
                cluster=row.text(H_CLUSTER),
                occupation=row.text(H_OCCUPATION),
            )
            for row in sheet
        ]
    if name.endswith(".json"):
        return _json_rows(_decode(content))
    if name.endswith(".csv"):
        return _csv_rows(_decode(content))
    raise _error(
        PostingErrorCode.BAD_FILE,
        _("不支持的文件类型，请上传 CSV（.csv）、Excel（.xlsx）或 JSON（.json）文件"),
    )


def _csv_rows(text: str) -> list[PostingRow]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
    if H_TITLE not in header:
        raise _error(
            PostingErrorCode.BAD_FILE,
            _("表头缺少“{column}”列，请按模板填写（列名见文档）").format(column=H_TITLE),
        )
    index = {h: i for i, h in enumerate(header) if h in COLUMNS}
    rows: list[PostingRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _error(
                PostingErrorCode.BAD_FILE,
                _("一次最多导入 {limit} 条，请分批上传").format(limit=MAX_ROWS),
            )
        get = {h: (cells[i].strip() if i < len(cells) else "") for h, i in index.items()}
        rows.append(_row(number, get))
    return rows


def _json_rows(text: str) -> list[PostingRow]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(
            PostingErrorCode.BAD_FILE,
            _("JSON 格式有误（第 {line} 行附近），请检查后重新上传").format(line=exc.lineno),
        ) from exc
    if isinstance(data, dict):
        data = data.get("postings", data.get("items"))
    if not isinstance(data, list):
        raise _error(
            PostingErrorCode.BAD_FILE, _("JSON 文件应为招聘信息的数组，或含 postings 数组的对象")
        )
    if len(data) > MAX_ROWS:
        raise _error(
            PostingErrorCode.BAD_FILE,
            _("一次最多导入 {limit} 条，请分批上传").format(limit=MAX_ROWS),
        )
    rows: list[PostingRow] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            rows.append(PostingRow(number=number, title=""))
            continue
        get: dict[Any, Any] = {}
        for column, keys in JSON_KEYS:
            value = next((item[k] for k in keys if k in item and item[k] is not None), "")
            get[column] = value if column == H_COUNT else cell_text(value)
        rows.append(_row(number, get))
    return rows


def _row(number: int, get: dict[Any, Any]) -> PostingRow:
    return PostingRow(
        number=number,
        title=str(get.get(H_TITLE, "")),
        text=str(get.get(H_TEXT, "")),
        company=str(get.get(H_COMPANY, "")),
        posted_on=str(get.get(H_DATE, ""))[:10],
        headcount=get.get(H_COUNT) or None,
        external_id=str(get.get(H_SOURCE_ID, "")),
        cluster=str(get.get(H_CLUSTER, "")),
        occupation=str(get.get(H_OCCUPATION, "")),
    )


# ---------------------------------------------------------------- checking


def is_garbled(text: str) -> bool:
    """Mojibake (UTF-8 read as Latin-1 or GBK), replacement characters, or a Chinese posting with
    hardly any Chinese in it."""
    if not text:
        return False
    if MOJIBAKE.search(text):
        return True
    letters = [ch for ch in text if not ch.isspace()]
    if len(letters) < 4:
        return False
    cjk = len(CJK.findall(text))
    odd = sum(
        1
        for ch in letters
        if not (ch.isalnum() or ch in "，。、；：！？（）()-—/+·,.;:!?%《》“”\"'*#&【】[]~～")
    )
    return cjk == 0 and odd / len(letters) > 0.3 or odd / len(letters) > 0.5


def fingerprint(company: str, title: str, text: str) -> str:
    """What makes two postings the same posting: the same company, title and text, ignoring case,
    full-width forms, spaces and punctuation."""
    key = "\x1f".join(re.sub(r"[^\w]", "", normalize(part)) for part in (company, title, text))
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass
class _Checked:
    row: PostingRow
    title: str
    text: str
    company: str
    posted_on: dt.date | None
    year: int
    headcount: int
    cluster: str
    occupation_code: str
    fingerprint: str


def _check(
    row: PostingRow, year: int, occupation_codes: set[str], clusters: dict[str, str]
) -> tuple[_Checked | None, list[RowError]]:
    """A row checked; ``clusters``: each cluster's label (active language) → its value."""
    errors: list[RowError] = []
    n = row.number
    title = " ".join(row.title.split())
    text = CONTACT.sub("", row.text.strip())
    if not title and not text:
        return None, [RowError(n, H_TITLE, _("职位名称和职位描述都是空的"))]
    if not title:
        errors.append(RowError(n, H_TITLE, _("职位名称不能为空")))
    if is_garbled(title) or is_garbled(text):
        errors.append(RowError(n, "", _("内容是乱码，可能是文件编码不对（请用 UTF-8 保存）")))
    if len(title) > MAX_POSTING_TITLE:
        errors.append(
            RowError(n, H_TITLE, _("职位名称不能超过 {limit} 个字").format(limit=MAX_POSTING_TITLE))
        )
    if len(text) > MAX_POSTING_TEXT:
        text = text[:MAX_POSTING_TEXT]
    posted_on: dt.date | None = None
    if row.posted_on:
        try:
            posted_on = dt.date.fromisoformat(row.posted_on.replace("/", "-"))
        except ValueError:
            errors.append(
                RowError(
                    n, H_DATE, _("“{text}”不是日期，应写作 2025-03-01").format(text=row.posted_on)
                )
            )
    headcount = 1
    if row.headcount not in (None, ""):
        try:
            value = cell_int(row.headcount)
        except ValueError:
            value = None
        if value is None or not 1 <= value <= MAX_HEADCOUNT:
            errors.append(
                RowError(
                    n,
                    H_COUNT,
                    _("招聘人数应为 1 到 {limit} 之间的整数").format(limit=MAX_HEADCOUNT),
                )
            )
        else:
            headcount = value
    cluster = ""
    if row.cluster:
        cluster = clusters.get(row.cluster, row.cluster if row.cluster in Cluster.values else "")
        if not cluster:
            errors.append(
                RowError(n, H_CLUSTER, _("未知的产业集群“{text}”").format(text=row.cluster))
            )
    occupation_code = ""
    if row.occupation:
        try:
            occupation_code = codes.clean_occupation_code(row.occupation)
        except ServiceError as exc:
            errors.append(RowError(n, H_OCCUPATION, exc.message))
        else:
            if occupation_code not in occupation_codes:
                errors.append(
                    RowError(
                        n,
                        H_OCCUPATION,
                        _("职业代码 {code} 不是现行职业分类中的职业").format(code=occupation_code),
                    )
                )
    if errors:
        return None, errors
    return (
        _Checked(
            row=row,
            title=title,
            text=text,
            company=" ".join(row.company.split())[:200],
            posted_on=posted_on,
            year=posted_on.year if posted_on else year,
            headcount=headcount,
            cluster=cluster,
            occupation_code=occupation_code,
            fingerprint=fingerprint(row.company, title, text),
        ),
        [],
    )


# ---------------------------------------------------------------- importing


def _occupations() -> dict[str, int]:
    edition = current_edition(CatalogueKind.OCCUPATIONS)
    if edition is None:
        raise _error(TalentErrorCode.NO_CATALOGUE, _("尚未载入职业分类大典，不能导入招聘信息"))
    return dict(Occupation.objects.filter(edition=edition, level=4).values_list("code", "pk"))


def _existing(fingerprints: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(fingerprints), 5000):
        chunk = fingerprints[start : start + 5000]
        found.update(
            Posting.objects.filter(fingerprint__in=chunk).values_list("fingerprint", flat=True)
        )
    return found


@transaction.atomic
def postings_import(
    *,
    user: User | None,
    rows: Iterable[PostingRow],
    source: str,
    filename: str = "",
    year: int | None = None,
    classifier: Classifier | None = None,
) -> ImportResult:
    """Checks, de-duplicates, classifies and stores postings; all or nothing (see the module)."""
    if user is not None:
        require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以导入招聘信息"))
    source = " ".join(source.split())[:100]
    if not source:
        raise _error(TalentErrorCode.INVALID_INPUT, _("请填写招聘信息的来源，如“江阴人才网”"))
    occupation_ids = _occupations()
    default_year = year or timezone.localdate().year
    checked: list[_Checked] = []
    errors: list[RowError] = []
    rows = list(rows)
    if not rows:
        raise _error(PostingErrorCode.BAD_FILE, _("文件中没有招聘信息"))
    clusters = {str(label): value for value, label in Cluster.choices}
    for row in rows:
        ok, problems = _check(row, default_year, set(occupation_ids), clusters)
        errors.extend(problems)
        if ok is not None:
            checked.append(ok)
    reject_if_errors(errors, code=TalentErrorCode.IMPORT_FAILED)
    stored = _existing([c.fingerprint for c in checked])
    seen: set[str] = set()
    fresh: list[_Checked] = []
    for item in checked:
        if item.fingerprint in stored or item.fingerprint in seen:
            continue
        seen.add(item.fingerprint)
        fresh.append(item)
    duplicates = len(checked) - len(fresh)
    batch = PostingBatch.objects.create(
        source=source,
        filename=filename[:200],
        imported=len(fresh),
        duplicates=duplicates,
        created_by=user,
    )
    classifier = classifier or build_classifier()
    postings = []
    classified = to_review = 0
    for item in fresh:
        result = classifier.classify(item.title, item.text)
        code, confidence, method = result.code, result.confidence, result.method
        if item.occupation_code:
            code, confidence, method = item.occupation_code, 1.0, ClassifyMethod.GIVEN
        classified += code is not None
        to_review += confidence < REVIEW_BELOW
        postings.append(
            Posting(
                batch=batch,
                source=source,
                external_id=item.row.external_id[:100],
                title=item.title,
                text=item.text,
                company=item.company,
                cluster=item.cluster,
                year=item.year,
                posted_on=item.posted_on,
                headcount=item.headcount,
                fingerprint=item.fingerprint,
                occupation_id=occupation_ids.get(code) if code else None,
                confidence=confidence,
                method=method,
                skills=list(result.skills),
                certificates=list(result.certificates),
                education=result.education,
                skill_level=result.skill_level,
            )
        )
    # A concurrent import of the same postings: the unique fingerprint decides, silently.
    Posting.objects.bulk_create(postings, batch_size=2000, ignore_conflicts=True)
    audit.record(
        AuditAction.IMPORT,
        obj=batch,
        actor=user,
        changes={"imported": [None, len(fresh)], "duplicates": [None, duplicates]},
        message=f"导入招聘信息 {len(fresh)} 条（重复跳过 {duplicates} 条）",
    )
    return ImportResult(
        batch=batch,
        imported=len(fresh),
        duplicates=duplicates,
        classified=classified,
        to_review=to_review,
    )


# ---------------------------------------------------------------- review and correction


@dataclass(frozen=True)
class PostingFilters:
    year: int | None = None
    review: str = ""  # "todo": unreviewed below the threshold; "none": unclassified
    q: str = ""
    occupation: str = ""


def postings_for_review(filters: PostingFilters | None = None) -> QuerySet[Posting]:
    f = filters or PostingFilters()
    qs = Posting.objects.select_related("occupation")
    if f.year:
        qs = qs.filter(year=f.year)
    if f.review == "todo":
        qs = qs.filter(reviewed_at__isnull=True, confidence__lt=REVIEW_BELOW)
    elif f.review == "none":
        qs = qs.filter(occupation__isnull=True)
    elif f.review == "done":
        qs = qs.filter(reviewed_at__isnull=False)
    if f.occupation:
        qs = qs.filter(occupation__code=f.occupation)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(company__icontains=f.q))
    return qs.order_by("confidence", "-year", "pk")


@dataclass(frozen=True)
class Correction:
    posting: Posting
    learnt_alias: str
    also_updated: int


@transaction.atomic
def posting_correct(
    *, user: User, posting_id: int, occupation_code: str, learn: bool = True
) -> Correction:
    """An analyst sets a posting's occupation. The posting's cleaned title becomes an alias of that
    occupation (unless it is one already, or ``learn`` is off), and the unreviewed postings with
    the same cleaned title are reclassified with it."""
    require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以校正招聘信息的归类"))
    posting = Posting.objects.select_for_update().filter(pk=posting_id).first()
    if posting is None:
        raise _error(TalentErrorCode.NOT_FOUND, _("未找到该招聘信息"), status=404)
    code = codes.clean_occupation_code(occupation_code)
    edition = current_edition(CatalogueKind.OCCUPATIONS)
    occupation = Occupation.objects.filter(edition=edition, code=code, level=4).first()
    if occupation is None:
        raise _error(
            TalentErrorCode.UNKNOWN_CODE,
            _("职业代码 {code} 不是现行职业分类中的职业").format(code=code),
        )
    before = audit.snapshot(posting, ["occupation", "confidence", "method"])
    posting.occupation = occupation
    posting.confidence = 1.0
    posting.method = ClassifyMethod.MANUAL
    posting.reviewed_at = timezone.now()
    posting.reviewed_by = user
    posting.save(update_fields=["occupation", "confidence", "method", "reviewed_at", "reviewed_by"])
    audit.record(
        AuditAction.UPDATE,
        obj=posting,
        actor=user,
        changes=audit.changes_between(
            before, audit.snapshot(posting, ["occupation", "confidence", "method"])
        ),
        message=f"校正招聘信息归类为 {occupation}",
    )
    alias = clean_title(posting.title)[:60]
    learnt = ""
    updated = 0
    if learn and len(alias) >= 2:
        existing = OccupationAlias.objects.select_for_update().filter(alias=alias).first()
        if existing is None:
            existing = OccupationAlias.objects.create(
                alias=alias, occupation_code=code, learnt=True, created_by=user
            )
            audit.record(
                AuditAction.CREATE, obj=existing, actor=user, message="由人工校正学得职业别名"
            )
            learnt = alias
        elif existing.occupation_code != code:
            audit.save_changes(
                existing, {"occupation_code": code, "learnt": True}, message="人工校正改写职业别名"
            )
            learnt = alias
        if learnt:
            same = [
                p.pk
                for p in Posting.objects.filter(
                    reviewed_at__isnull=True, title__icontains=alias
                ).only("pk", "title")
                if clean_title(p.title) == alias
            ]
            updated = Posting.objects.filter(pk__in=same).update(
                occupation=occupation, confidence=0.95, method=ClassifyMethod.ALIAS_TITLE
            )
    return Correction(posting=posting, learnt_alias=learnt, also_updated=updated)


@transaction.atomic
def posting_confirm(*, user: User, posting_id: int) -> Posting:
    """An analyst confirms a posting's classification as it is."""
    require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以校正招聘信息的归类"))
    posting = Posting.objects.select_for_update().filter(pk=posting_id).first()
    if posting is None:
        raise _error(TalentErrorCode.NOT_FOUND, _("未找到该招聘信息"), status=404)
    if posting.occupation_id is None:
        raise _error(TalentErrorCode.INVALID_INPUT, _("该招聘信息尚未归类，请选择职业后保存"))
    posting.reviewed_at = timezone.now()
    posting.reviewed_by = user
    posting.save(update_fields=["reviewed_at", "reviewed_by"])
    audit.record(AuditAction.UPDATE, obj=posting, actor=user, message="确认招聘信息归类")
    return posting


def posting_stats() -> dict[str, int]:
    """Counts for the workbench's header."""
    from django.db.models import Count

    row = Posting.objects.aggregate(
        total=Count("pk"),
        classified=Count("pk", filter=Q(occupation__isnull=False)),
        to_review=Count("pk", filter=Q(reviewed_at__isnull=True, confidence__lt=REVIEW_BELOW)),
        reviewed=Count("pk", filter=Q(reviewed_at__isnull=False)),
    )
    row["learnt"] = OccupationAlias.objects.filter(learnt=True).count()
    return {k: int(v) for k, v in row.items()}
