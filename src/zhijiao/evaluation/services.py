"""Every change to evaluation data: schemes, rounds, self-assessments, assignments, scores,
reconciliation, results, the public notice and appeals.

Each service is keyword-only, atomic, checks who may act, refuses bad input with a message in
the active language (a :class:`ServiceError` with an :class:`EvaluationErrorCode`) before anything
is written, and writes its audit rows itself. ``today`` defaults to the local date; tests pass it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.dates import today as local_today
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.indicators.models import Indicator
from zhijiao.indicators.selectors import indicators_values
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Capability, Role, require_capability

from . import scoring
from .data import (
    AppealStatus,
    ConflictKind,
    EvaluationErrorCode,
    FinalSource,
    RoundStatus,
    SchemeKind,
    SchemeStatus,
    ScoringMethod,
    SelfStatus,
)
from .models import (
    Appeal,
    Assignment,
    Criterion,
    Entry,
    ExpertLink,
    ExpertScore,
    FinalScore,
    Round,
    Scheme,
    SelfClaim,
)
from .scoring import Node, fmt, q

E = EvaluationErrorCode

EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
}


def _error(code: EvaluationErrorCode, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


def _manage(user: User) -> None:
    require_capability(user, Capability.EVALUATION_MANAGE, _("只有工作专班可以组织评价"))


def _day(today: dt.date | None) -> dt.date:
    return today if today is not None else local_today()


# ---------------------------------------------------------------- schemes


@dataclass(frozen=True)
class SchemeInput:
    """A scheme as the YAML file (or a copy) describes it."""

    code: str
    name: str
    kind: str
    year: int
    nodes: list[Node]
    total_points: Decimal = Decimal(100)
    grades: list[list[Any]] | None = None
    outlier_share: Decimal | None = None
    settings: dict[str, Any] | None = None
    description: str = ""
    source_text: str = ""


def _nodes_from(raw: Sequence[Mapping[str, Any]], where: str = "") -> list[Node]:
    nodes = []
    for item in raw:
        code = str(item.get("code", "")).strip()
        name = str(item.get("name", "")).strip()
        label = f"{where}“{code} {name}”"
        try:
            weight = scoring.to_decimal(item.get("weight"), _("{label}的分值").format(label=label))
            bands = scoring.bands_parse(item.get("bands"), label)
        except ValueError as exc:
            raise _error(E.INVALID_SCHEME, str(exc)) from exc
        nodes.append(
            Node(
                code=code,
                name=name,
                weight=weight,
                method=str(item.get("method", "") or ""),
                indicator=str(item.get("indicator", "") or ""),
                bands=bands,
                rubric=str(item.get("rubric", "") or "").strip(),
                source_text=str(item.get("source", "") or "").strip(),
                children=_nodes_from(item.get("children") or [], where),
            )
        )
    return nodes


def scheme_input_from_dict(raw: Mapping[str, Any]) -> SchemeInput:
    """A scheme of the YAML file (one item of ``schemes:``) as input for :func:`scheme_save`."""
    try:
        year = int(raw["year"])
        kind = str(raw["kind"])
        code = str(raw["code"])
        name = str(raw["name"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _error(E.INVALID_SCHEME, _("方案应写明 code、name、kind 和 year")) from exc
    if kind not in SchemeKind.values:
        raise _error(
            E.INVALID_SCHEME,
            _("方案类别“{kind}”无效，应为 school_level 或 social_service").format(kind=kind),
        )
    try:
        total = scoring.to_decimal(raw.get("total_points", 100), _("方案总分"))
        share = (
            scoring.to_decimal(raw["outlier_share"], _("离群阈值"))
            if raw.get("outlier_share") is not None
            else None
        )
    except ValueError as exc:
        raise _error(E.INVALID_SCHEME, str(exc)) from exc
    return SchemeInput(
        code=code,
        name=name,
        kind=kind,
        year=year,
        nodes=_nodes_from(raw.get("criteria") or []),
        total_points=total,
        grades=[list(g) for g in raw.get("grades") or []] or None,
        outlier_share=share,
        settings=dict(raw.get("settings") or {}),
        description=str(raw.get("description", "") or "").strip(),
        source_text=str(raw.get("source", "") or "").strip(),
    )


def _check(nodes: list[Node], total: Decimal) -> dict[str, Indicator]:
    """Refuses an unsound tree with all its problems at once; returns the indicators it names."""
    sums: list[str] = []
    problems = scoring.check_tree(nodes, total, sums=sums)
    codes: set[str] = set()

    def collect(items: list[Node]) -> None:
        for n in items:
            if n.indicator:
                codes.add(n.indicator)
            collect(n.children)

    collect(nodes)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    missing = sorted(codes - set(indicators))
    if missing:
        problems.append(
            _("以下取数指标尚未配置（请先载入目标监测配置）：{codes}").format(
                codes="、".join(missing)
            )
        )
    if problems:
        code = E.WEIGHTS if sums else E.INVALID_SCHEME
        raise _error(code, _("评价方案有误：{problems}").format(problems="；".join(problems)))
    return indicators


def _scheme_in_use(scheme: Scheme) -> bool:
    return scheme.rounds.exclude(status=RoundStatus.DRAFT).exists()


def _write_tree(scheme: Scheme, nodes: list[Node], indicators: Mapping[str, Indicator]) -> int:
    scheme.criteria.all().delete()
    position = 0

    def write(items: list[Node], parent: Criterion | None, level: int) -> None:
        nonlocal position
        for node in items:
            position += 1
            criterion = Criterion.objects.create(
                scheme=scheme,
                parent=parent,
                level=level,
                code=node.code,
                name=node.name,
                weight=q(node.weight),
                position=position,
                method="" if node.children else node.method,
                indicator=indicators.get(node.indicator) if not node.children else None,
                bands=[[str(t), str(p)] for t, p in node.bands] if not node.children else [],
                rubric=node.rubric,
                source_text=node.source_text[:300],
            )
            write(node.children, criterion, level + 1)

    write(nodes, None, 1)
    return position


@transaction.atomic
def scheme_save(*, user: User | None, data: SchemeInput, replace: bool = True) -> Scheme:
    """Creates a scheme, or replaces the tree of the scheme of the same code and year (a new
    version) while no round of it has opened. The tree is checked whole first; nothing is
    written when it is unsound."""
    if user is not None:
        _manage(user)
    indicators = _check(data.nodes, data.total_points)
    scheme = Scheme.objects.select_for_update().filter(code=data.code, year=data.year).first()
    values = {
        "name": data.name,
        "kind": data.kind,
        "total_points": q(data.total_points),
        "grades": [[str(m), str(label)] for m, label in (data.grades or [])],
        "settings": data.settings or {},
        "description": data.description,
        "source_text": data.source_text,
    }
    if data.outlier_share is not None:
        values["outlier_share"] = data.outlier_share
    if scheme is None:
        scheme = Scheme.objects.create(code=data.code, year=data.year, **values)
        count = _write_tree(scheme, data.nodes, indicators)
        audit.record(
            AuditAction.CREATE,
            obj=scheme,
            actor=user,
            message=f"新建评价方案（{count} 个指标）",
        )
        return scheme
    if not replace:
        raise _error(
            E.DUPLICATE, _("{year}年的方案“{code}”已存在").format(year=data.year, code=data.code)
        )
    if _scheme_in_use(scheme):
        raise _error(
            E.SCHEME_IN_USE,
            _("“{scheme}”已有评价轮次开始，不能再修改；请复制为新年度版本后修改").format(
                scheme=scheme
            ),
        )
    for name, value in values.items():
        setattr(scheme, name, value)
    scheme.version += 1
    scheme.updated_at = timezone.now()
    scheme.save(update_fields=[*values, "version", "updated_at"])
    count = _write_tree(scheme, data.nodes, indicators)
    audit.record(
        AuditAction.UPDATE,
        obj=scheme,
        actor=user,
        message=f"更新评价方案为第 {scheme.version} 版（{count} 个指标）",
    )
    return scheme


def scheme_nodes(scheme: Scheme) -> list[Node]:
    """The scheme's stored tree as :class:`Node` items (for editing and copying)."""
    criteria = list(scheme.criteria.select_related("indicator").order_by("position"))
    by_parent: dict[int | None, list[Criterion]] = defaultdict(list)
    for c in criteria:
        by_parent[c.parent_id].append(c)

    def build(parent: int | None) -> list[Node]:
        return [
            Node(
                code=c.code,
                name=c.name,
                weight=c.weight,
                method=c.method,
                indicator=c.indicator.code if c.indicator else "",
                bands=[(Decimal(str(t)), Decimal(str(p))) for t, p in c.bands],
                rubric=c.rubric,
                source_text=c.source_text,
                children=build(c.pk),
            )
            for c in by_parent[parent]
        ]

    return build(None)


@dataclass(frozen=True)
class CriterionEdit:
    """The editable parts of one criterion, from the scheme edit form."""

    name: str
    weight: Decimal
    bands: list[tuple[Decimal, Decimal]] | None = None  # leaves scored automatically
    rubric: str | None = None


@transaction.atomic
def scheme_edit(*, user: User, scheme: Scheme, edits: Mapping[str, CriterionEdit]) -> Scheme:
    """Changes names, weights, bands and rubrics of criteria (by code) together, then checks the
    whole tree: weights moved between items must still add up. Nothing changes when they don't."""
    _manage(user)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if _scheme_in_use(scheme):
        raise _error(
            E.SCHEME_IN_USE,
            _("“{scheme}”已有评价轮次开始，不能再修改；请复制为新年度版本后修改").format(
                scheme=scheme
            ),
        )
    nodes = scheme_nodes(scheme)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}

    def apply(items: list[Node]) -> None:
        for node in items:
            edit = edits.get(node.code)
            if edit is not None:
                old = (node.name, fmt(node.weight), scoring.bands_text(node.bands), node.rubric)
                node.name = edit.name.strip() or node.name
                node.weight = edit.weight
                if edit.bands is not None and node.method == ScoringMethod.AUTO:
                    node.bands = edit.bands
                if edit.rubric is not None and not node.children:
                    node.rubric = edit.rubric.strip()
                new = (node.name, fmt(node.weight), scoring.bands_text(node.bands), node.rubric)
                if old != new:
                    before[node.code], after[node.code] = list(old), list(new)
            apply(node.children)

    apply(nodes)
    if not after:
        return scheme
    indicators = _check(nodes, scheme.total_points)
    _write_tree(scheme, nodes, indicators)
    scheme.version += 1
    scheme.updated_at = timezone.now()
    scheme.save(update_fields=["version", "updated_at"])
    audit.record(
        AuditAction.UPDATE,
        obj=scheme,
        actor=user,
        changes={code: [before[code], after[code]] for code in after},
        message=f"修改评价方案指标 {len(after)} 项，现为第 {scheme.version} 版",
    )
    return scheme


@transaction.atomic
def scheme_copy(*, user: User, scheme: Scheme, year: int) -> Scheme:
    """A copy of the scheme for another year, to be edited there."""
    _manage(user)
    if Scheme.objects.filter(code=scheme.code, year=year).exists():
        raise _error(E.DUPLICATE, _("{year}年的“{name}”已存在").format(year=year, name=scheme.name))
    data = SchemeInput(
        code=scheme.code,
        name=scheme.name,
        kind=scheme.kind,
        year=year,
        nodes=scheme_nodes(scheme),
        total_points=scheme.total_points,
        grades=scheme.grades,
        outlier_share=scheme.outlier_share,
        settings=scheme.settings,
        description=scheme.description,
        source_text=scheme.source_text,
    )
    copy = scheme_save(user=user, data=data, replace=False)
    audit.record(AuditAction.CREATE, obj=copy, actor=user, message=f"由 {scheme.year} 年版复制")
    return copy


# ---------------------------------------------------------------- rounds


@dataclass(frozen=True)
class RoundInput:
    scheme: Scheme
    year: int
    title: str
    self_due: dt.date
    scoring_due: dt.date
    schools: Sequence[Unit]


@transaction.atomic
def round_create(*, user: User, data: RoundInput) -> Round:
    """A round of a scheme for a year with its schools (each a vocational school)."""
    _manage(user)
    if data.scheme.status != SchemeStatus.ACTIVE:
        raise _error(E.WRONG_STATE, _("方案尚未启用，不能据此组织评价"))
    if data.scoring_due < data.self_due:
        raise _error(E.INVALID_SCHEME, _("专家评分截止日期不能早于自评截止日期"))
    schools = list(data.schools)
    if not schools:
        raise _error(E.NOT_PARTICIPATING, _("请至少选择一所参评学校"))
    wrong = [s.name for s in schools if s.kind != UnitKind.SCHOOL]
    if wrong:
        raise _error(
            E.NOT_PARTICIPATING, _("只有职业院校可以参评：{names}").format(names="、".join(wrong))
        )
    if Round.objects.filter(scheme=data.scheme, year=data.year).exists():
        raise _error(
            E.DUPLICATE,
            _("“{name}”{year}年度的评价轮次已存在").format(name=data.scheme.name, year=data.year),
        )
    round_ = Round.objects.create(
        scheme=data.scheme,
        year=data.year,
        title=data.title.strip()
        or _("{year}年度{name}").format(year=data.year, name=data.scheme.name),
        self_due=data.self_due,
        scoring_due=data.scoring_due,
        created_by=user,
    )
    Entry.objects.bulk_create([Entry(round=round_, school=s) for s in schools])
    audit.record(
        AuditAction.CREATE,
        obj=round_,
        actor=user,
        message=f"创建评价轮次，参评学校 {len(schools)} 所",
    )
    return round_


def _locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update().select_related("scheme").get(pk=round_.pk)


def _set_status(user: User | None, round_: Round, status: RoundStatus, message: str) -> None:
    before = round_.status
    round_.status = status
    round_.save(update_fields=["status"])
    audit.record(
        AuditAction.UPDATE,
        obj=round_,
        actor=user,
        changes={"status": [before, status.value]},
        message=message,
    )


@transaction.atomic
def round_open(*, user: User, round_: Round) -> Round:
    """筹备 → 学校自评: schools may fill in their self-assessment until the deadline."""
    _manage(user)
    round_ = _locked_round(round_)
    if round_.status != RoundStatus.DRAFT:
        raise _error(E.WRONG_STATE, _("只有筹备中的轮次可以开始自评"))
    _set_status(user, round_, RoundStatus.SELF_ASSESSMENT, "开始学校自评")
    return round_


@transaction.atomic
def round_start_scoring(*, user: User, round_: Round, today: dt.date | None = None) -> Round:
    """学校自评 → 专家评分, once every school has submitted or the self-assessment deadline has
    passed, and every school has at least one expert."""
    _manage(user)
    round_ = _locked_round(round_)
    if round_.status != RoundStatus.SELF_ASSESSMENT:
        raise _error(E.WRONG_STATE, _("只有自评阶段的轮次可以进入专家评分"))
    waiting = round_.entries.exclude(self_status=SelfStatus.SUBMITTED)
    if _day(today) <= round_.self_due and waiting.exists():
        names = "、".join(e.school.name for e in waiting.select_related("school"))
        raise _error(
            E.INCOMPLETE,
            _("自评截止日期（{due}）前，尚未提交自评的学校：{names}").format(
                due=f"{round_.self_due:%Y-%m-%d}", names=names
            ),
        )
    bare = round_.entries.filter(assignments__isnull=True).select_related("school")
    if bare.exists():
        raise _error(
            E.INCOMPLETE,
            _("以下学校尚未分配评审专家：{names}").format(
                names="、".join(e.school.name for e in bare)
            ),
        )
    _set_status(user, round_, RoundStatus.SCORING, "开始专家评分")
    return round_


# ---------------------------------------------------------------- self-assessment


def _evidence_check(upload: UploadedFile) -> tuple[str, str, str]:
    """(file name, suffix, content type) of an acceptable evidence file; refuses the rest."""
    name = (upload.name or "").strip()
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in EVIDENCE_TYPES:
        raise _error(
            E.FILE_TYPE,
            _("不支持的文件类型“{suffix}”，请上传 PDF、图片（PNG/JPG）、OFD 或 Office 文件").format(
                suffix=suffix or _("无扩展名")
            ),
        )
    if upload.size is None or upload.size == 0:
        raise _error(E.FILE_EMPTY, _("文件是空的"))
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise _error(
            E.FILE_TOO_LARGE,
            _("文件过大（{size} MB），单个文件不能超过 {limit} MB").format(
                size=f"{upload.size / 1048576:.1f}", limit=limit // 1048576
            ),
        )
    content_type, magics = EVIDENCE_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise _error(
            E.FILE_TYPE, _("文件内容与扩展名“{suffix}”不符，请检查文件").format(suffix=suffix)
        )
    return name[:200], suffix, content_type


def _own_entry(user: User, entry: Entry) -> Entry:
    require_capability(user, Capability.EVALUATION_SUBMIT, _("只有学校填报员可以填报自评"))
    locked = Entry.objects.select_for_update().select_related("round", "school").get(pk=entry.pk)
    if locked.school_id != user.unit_id:
        raise _error(E.NOT_ALLOWED, _("只能填报本校的自评"), 403)
    return locked


def _self_window(entry: Entry, today: dt.date) -> None:
    round_ = entry.round
    if round_.status != RoundStatus.SELF_ASSESSMENT:
        raise _error(
            E.WRONG_STATE,
            _("“{title}”当前为{status}阶段，不能填报自评").format(
                title=round_.title, status=round_.get_status_display()
            ),
        )
    if today > round_.self_due:
        raise _error(
            E.DEADLINE_PASSED,
            _("自评截止日期（{due}）已过，不能再填报或提交自评").format(
                due=f"{round_.self_due:%Y-%m-%d}"
            ),
        )


def self_criteria(scheme: Scheme) -> QuerySet[Criterion]:
    """The leaves a school assesses itself (自评、专家核定)."""
    return scheme.criteria.filter(method=ScoringMethod.SELF_CHECKED).order_by("position")


@transaction.atomic
def self_claim_save(
    *,
    user: User,
    entry: Entry,
    criterion: Criterion,
    points: Decimal,
    statement: str,
    evidence: UploadedFile | None = None,
    today: dt.date | None = None,
) -> SelfClaim:
    """Saves the school's claim for one self-assessed leaf (with an optional evidence file).
    A change after submission returns the self-assessment to 填报中 until submitted again."""
    entry = _own_entry(user, entry)
    _self_window(entry, _day(today))
    if (
        criterion.scheme_id != entry.round.scheme_id
        or criterion.method != ScoringMethod.SELF_CHECKED
    ):
        raise _error(
            E.INVALID_SCHEME, _("“{criterion}”不是本轮由学校自评的指标").format(criterion=criterion)
        )
    if points < 0 or points > criterion.weight:
        raise _error(
            E.OUT_OF_RANGE,
            _("“{criterion}”的自评分应在 0 至 {weight} 分之间，收到 {points} 分").format(
                criterion=criterion, weight=fmt(criterion.weight), points=fmt(points)
            ),
        )
    if not statement.strip():
        raise _error(E.INCOMPLETE, _("请填写“{criterion}”的自评说明").format(criterion=criterion))
    file_info = _evidence_check(evidence) if evidence is not None else None
    claim = SelfClaim.objects.filter(entry=entry, criterion=criterion).first()
    created = claim is None
    if claim is None:
        claim = SelfClaim(entry=entry, criterion=criterion)
    before = audit.snapshot(claim, ["points", "statement", "evidence_name"]) if not created else {}
    claim.points = q(points)
    claim.statement = statement.strip()
    claim.updated_at = timezone.now()
    if evidence is not None and file_info is not None:
        name, suffix, content_type = file_info
        digest = hashlib.sha256()
        for chunk in evidence.chunks():
            digest.update(chunk)
        evidence.seek(0)
        claim.evidence.save(f"{digest.hexdigest()[:16]}{suffix}", evidence, save=False)
        claim.evidence_name = name
        claim.evidence_type = content_type
        claim.evidence_sha256 = digest.hexdigest()
    claim.save()
    after = audit.snapshot(claim, ["points", "statement", "evidence_name"])
    audit.record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=claim,
        actor=user,
        changes=audit.changes_between(before, after),
        message=f"自评 {criterion.code}：{fmt(claim.points)} 分",
    )
    if entry.self_status != SelfStatus.DRAFT:
        previous = entry.self_status
        entry.self_status = SelfStatus.DRAFT
        entry.save(update_fields=["self_status"])
        if previous == SelfStatus.SUBMITTED:
            audit.record(AuditAction.UPDATE, obj=entry, actor=user, message="自评修改后待重新提交")
    return claim


@transaction.atomic
def self_assessment_submit(*, user: User, entry: Entry, today: dt.date | None = None) -> Entry:
    """Submits the school's self-assessment: every self-assessed leaf needs a claim. Allowed again
    after a change, but never after the deadline."""
    entry = _own_entry(user, entry)
    _self_window(entry, _day(today))
    needed = list(self_criteria(entry.round.scheme))
    have = set(entry.claims.values_list("criterion_id", flat=True))
    missing = [c for c in needed if c.pk not in have]
    if missing:
        raise _error(
            E.INCOMPLETE,
            _("以下指标尚未自评：{items}").format(items="、".join(str(c) for c in missing[:10])),
        )
    entry.self_status = SelfStatus.SUBMITTED
    entry.self_submitted_at = timezone.now()
    entry.self_submitted_by = user
    entry.save(update_fields=["self_status", "self_submitted_at", "self_submitted_by"])
    audit.record(AuditAction.UPDATE, obj=entry, actor=user, message="提交学校自评")
    return entry


# ---------------------------------------------------------------- experts and assignment


def expert_conflicts(expert: User) -> dict[int, str]:
    """The schools an expert may not score, with the reason: the school the account belongs to,
    and every declared relation."""
    reasons: dict[int, str] = {}
    if expert.unit_id is not None:
        reasons[expert.unit_id] = _("专家账号所属单位即该校")
    for school_id, kind in ExpertLink.objects.filter(expert=expert).values_list(
        "school_id", "kind"
    ):
        reasons.setdefault(school_id, str(ConflictKind(kind).label))
    return reasons


@transaction.atomic
def expert_link_declare(
    *, user: User, expert: User, school: Unit, kind: str, note: str = ""
) -> ExpertLink:
    """Records a relation that bars the expert from the school: by the office, or by the expert
    about themself. Existing assignments that now conflict are refused until removed."""
    if not (
        user.can(Capability.EVALUATION_MANAGE)
        or (user.can(Capability.EVALUATION_SCORE) and user.pk == expert.pk)
    ):
        raise _error(E.NOT_ALLOWED, _("只有工作专班或专家本人可以登记回避关系"), 403)
    if expert.role != Role.EXPERT:
        raise _error(E.NOT_AN_EXPERT, _("{expert}不是评审专家账号").format(expert=expert))
    if kind not in ConflictKind.values:
        raise _error(E.INVALID_SCHEME, _("请选择回避关系的类别"))
    link, created = ExpertLink.objects.get_or_create(
        expert=expert,
        school=school,
        kind=kind,
        defaults={"note": note.strip()[:300], "recorded_by": user},
    )
    if created:
        audit.record(AuditAction.CREATE, obj=link, actor=user, message="登记专家回避关系")
    return link


@transaction.atomic
def assignment_create(
    *, user: User, round_: Round, expert: User, schools: Iterable[Unit]
) -> list[Assignment]:
    """Assigns an expert to score schools of a round. Refused whole when the account is not an
    expert, a school is not in the round, or the expert is linked to one of them (回避)."""
    _manage(user)
    round_ = _locked_round(round_)
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.SELF_ASSESSMENT, RoundStatus.SCORING):
        raise _error(E.WRONG_STATE, _("评分结束后不能再分配专家"))
    if expert.role != Role.EXPERT or not expert.is_active:
        raise _error(E.NOT_AN_EXPERT, _("{expert}不是启用的评审专家账号").format(expert=expert))
    targets = list(schools)
    entries = {e.school_id: e for e in round_.entries.select_related("school")}
    outside = [s.name for s in targets if s.pk not in entries]
    if outside:
        raise _error(
            E.NOT_PARTICIPATING,
            _("以下学校未参加本轮评价：{names}").format(names="、".join(outside)),
        )
    conflicts = expert_conflicts(expert)
    barred = [f"{s.name}（{conflicts[s.pk]}）" for s in targets if s.pk in conflicts]
    if barred:
        raise _error(
            E.CONFLICT_OF_INTEREST,
            _("专家{expert}与以下学校存在需回避的关系，不能分配其评审：{schools}").format(
                expert=expert, schools="、".join(barred)
            ),
        )
    created = []
    for school in targets:
        assignment, new = Assignment.objects.get_or_create(
            entry=entries[school.pk], expert=expert, defaults={"assigned_by": user}
        )
        if new:
            created.append(assignment)
    audit.record_bulk_create(created, ["entry", "expert"], actor=user, message="分配评审专家")
    return created


@transaction.atomic
def assignment_remove(*, user: User, assignment: Assignment) -> None:
    """Withdraws an assignment whose sheet is not submitted yet."""
    _manage(user)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.submitted_at is not None:
        raise _error(E.ALREADY_SUBMITTED, _("专家已提交评分，不能撤销分配"))
    audit.record(AuditAction.DELETE, obj=assignment, actor=user, message="撤销专家分配")
    assignment.delete()


def expert_criteria(scheme: Scheme) -> QuerySet[Criterion]:
    """The leaves experts score: by rubric, or checking the school's self-assessment."""
    return scheme.criteria.filter(
        method__in=[ScoringMethod.EXPERT, ScoringMethod.SELF_CHECKED]
    ).order_by("position")


@dataclass(frozen=True)
class ScoreInput:
    points: Decimal
    comment: str = ""


@transaction.atomic
def expert_scores_save(
    *,
    user: User,
    assignment: Assignment,
    scores: Mapping[int, ScoreInput],
    submit: bool = False,
    today: dt.date | None = None,
) -> Assignment:
    """Saves an expert's scores (criterion id → points) for the school assigned to them; with
    ``submit`` the sheet is closed and must be complete. Each score lies between 0 and the
    item's points; an expert cannot score a school not assigned to them."""
    require_capability(user, Capability.EVALUATION_SCORE, _("只有评审专家可以评分"))
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("entry__round__scheme", "entry__school")
        .get(pk=assignment.pk)
    )
    if assignment.expert_id != user.pk:
        raise _error(E.NOT_ASSIGNED, _("您未被分配评审该校，不能评分"), 403)
    round_ = assignment.entry.round
    if round_.status != RoundStatus.SCORING:
        raise _error(
            E.WRONG_STATE,
            _("“{title}”当前为{status}阶段，不能评分").format(
                title=round_.title, status=round_.get_status_display()
            ),
        )
    if _day(today) > round_.scoring_due:
        raise _error(
            E.DEADLINE_PASSED,
            _("专家评分截止日期（{due}）已过，不能再评分").format(
                due=f"{round_.scoring_due:%Y-%m-%d}"
            ),
        )
    if assignment.submitted_at is not None:
        raise _error(E.ALREADY_SUBMITTED, _("您已提交该校的评分，不能再修改"))
    gradable = {c.pk: c for c in expert_criteria(round_.scheme)}
    for criterion_id, score in scores.items():
        criterion = gradable.get(criterion_id)
        if criterion is None:
            raise _error(E.NOT_ASSIGNED, _("该指标不由专家评分"), 400)
        if score.points < 0 or score.points > criterion.weight:
            raise _error(
                E.OUT_OF_RANGE,
                _("“{criterion}”的评分应在 0 至 {weight} 分之间，收到 {points} 分").format(
                    criterion=criterion, weight=fmt(criterion.weight), points=fmt(score.points)
                ),
            )
    existing = {s.criterion_id: s for s in assignment.scores.all()}
    changed = 0
    for criterion_id, score in scores.items():
        row = existing.get(criterion_id)
        points = q(score.points)
        if row is None:
            ExpertScore.objects.create(
                assignment=assignment,
                criterion_id=criterion_id,
                points=points,
                comment=score.comment.strip()[:500],
            )
            changed += 1
        elif row.points != points or row.comment != score.comment.strip()[:500]:
            row.points, row.comment, row.scored_at = (
                points,
                score.comment.strip()[:500],
                timezone.now(),
            )
            row.save(update_fields=["points", "comment", "scored_at"])
            changed += 1
    if changed:
        audit.record(
            AuditAction.UPDATE,
            obj=assignment,
            actor=user,
            changes={str(k): fmt(v.points) for k, v in scores.items()},
            message=f"专家评分 {changed} 项",
        )
    if submit:
        scored = set(assignment.scores.values_list("criterion_id", flat=True))
        missing = [c for pk, c in gradable.items() if pk not in scored]
        if missing:
            raise _error(
                E.INCOMPLETE,
                _("以下指标尚未评分：{items}").format(
                    items="、".join(str(c) for c in missing[:10])
                ),
            )
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
        audit.record(AuditAction.UPDATE, obj=assignment, actor=user, message="提交专家评分")
    return assignment


# ---------------------------------------------------------------- reconciliation and results


def auto_values(round_: Round) -> dict[tuple[int, int], Decimal | None]:
    """(criterion id, school id) → the indicator value an automatic leaf reads for the round's
    year (None: no data)."""
    leaves = list(
        round_.scheme.criteria.filter(method=ScoringMethod.AUTO).select_related("indicator")
    )
    indicators = {c.indicator_id: c.indicator for c in leaves if c.indicator is not None}
    values = indicators_values(list(indicators.values()), [round_.year]) if indicators else {}
    schools = list(round_.entries.values_list("school_id", flat=True))
    result: dict[tuple[int, int], Decimal | None] = {}
    for c in leaves:
        per_unit = values[c.indicator_id].units if c.indicator_id in values else {}
        for school_id in schools:
            result[(c.pk, school_id)] = per_unit.get(school_id, {}).get(round_.year)
    return result


def _expert_spreads(round_: Round) -> dict[tuple[int, int], scoring.Spread]:
    """(entry id, criterion id) → the spread of the submitted experts' scores."""
    weights = dict(round_.scheme.criteria.values_list("pk", "weight"))
    collected: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    rows = ExpertScore.objects.filter(
        assignment__entry__round=round_, assignment__submitted_at__isnull=False
    ).order_by("assignment__expert__username")
    for entry_id, criterion_id, points in rows.values_list(
        "assignment__entry_id", "criterion_id", "points"
    ):
        collected[(entry_id, criterion_id)].append(points)
    share = round_.scheme.outlier_share
    return {
        key: scoring.spread(points, weights[key[1]], share) for key, points in collected.items()
    }


@transaction.atomic
def round_start_reconciliation(*, user: User, round_: Round, today: dt.date | None = None) -> Round:
    """专家评分 → 复核汇总: automatic leaves are scored from their indicators, expert leaves get
    the mean of the experts' scores without outliers, and results are computed. Needs every
    sheet submitted, or the scoring deadline passed with at least one sheet per school."""
    _manage(user)
    round_ = _locked_round(round_)
    if round_.status != RoundStatus.SCORING:
        raise _error(E.WRONG_STATE, _("只有专家评分阶段的轮次可以进入复核汇总"))
    open_sheets = Assignment.objects.filter(entry__round=round_, submitted_at__isnull=True)
    if _day(today) <= round_.scoring_due and open_sheets.exists():
        names = sorted({str(a.expert) for a in open_sheets.select_related("expert")})
        raise _error(
            E.INCOMPLETE,
            _("评分截止日期（{due}）前，尚有专家未提交评分：{names}").format(
                due=f"{round_.scoring_due:%Y-%m-%d}", names="、".join(names)
            ),
        )
    unscored = round_.entries.exclude(assignments__submitted_at__isnull=False).select_related(
        "school"
    )
    if unscored.exists():
        raise _error(
            E.INCOMPLETE,
            _("以下学校没有任何专家提交评分：{names}").format(
                names="、".join(e.school.name for e in unscored)
            ),
        )
    values = auto_values(round_)
    spreads = _expert_spreads(round_)
    leaves = list(round_.scheme.criteria.exclude(method="").order_by("position"))
    finals = []
    now = timezone.now()
    for entry in round_.entries.all():
        for c in leaves:
            if c.method == ScoringMethod.AUTO:
                value = values.get((c.pk, entry.school_id))
                finals.append(
                    FinalScore(
                        entry=entry,
                        criterion=c,
                        points=scoring.band_points(c.bands, value),
                        source=FinalSource.AUTO,
                        indicator_value=value,
                        note="" if value is not None else _("无该年度指标数据，按 0 分计"),
                        decided_at=now,
                    )
                )
                continue
            s = spreads.get((entry.pk, c.pk))
            agreed = s.agreed if s is not None else None
            note = ""
            if s is not None and s.outliers:
                dropped = "、".join(fmt(s.scores[i]) for i in sorted(s.outliers))
                note = _("离群评分（{dropped}）未计入，中位数 {median}").format(
                    dropped=dropped, median=fmt(s.median)
                )
            finals.append(
                FinalScore(
                    entry=entry,
                    criterion=c,
                    points=agreed if agreed is not None else Decimal(0),
                    source=FinalSource.EXPERTS,
                    note=note if agreed is not None else _("无专家评分，按 0 分计"),
                    decided_at=now,
                )
            )
    FinalScore.objects.filter(entry__round=round_).delete()
    FinalScore.objects.bulk_create(finals, batch_size=1000)
    _set_status(
        user, round_, RoundStatus.RECONCILIATION, f"进入复核汇总，核定得分 {len(finals)} 项"
    )
    results_compute(round_=round_)
    return round_


def _range_check(criterion: Criterion, points: Decimal) -> None:
    if points < 0 or points > criterion.weight:
        raise _error(
            E.OUT_OF_RANGE,
            _("“{criterion}”的得分应在 0 至 {weight} 分之间，收到 {points} 分").format(
                criterion=criterion, weight=fmt(criterion.weight), points=fmt(points)
            ),
        )


@transaction.atomic
def final_score_set(
    *, user: User, entry: Entry, criterion: Criterion, points: Decimal, reason: str
) -> FinalScore:
    """The office decides an item's points during reconciliation (e.g. after outliers), with a
    reason; the results follow."""
    _manage(user)
    round_ = _locked_round(entry.round)
    if round_.status != RoundStatus.RECONCILIATION:
        raise _error(E.WRONG_STATE, _("只有复核汇总阶段可以调整核定得分"))
    if criterion.scheme_id != round_.scheme_id or not criterion.method:
        raise _error(E.INVALID_SCHEME, _("该指标不是本方案的末级指标"))
    _range_check(criterion, points)
    if not reason.strip():
        raise _error(E.INCOMPLETE, _("调整核定得分须写明理由"))
    final = FinalScore.objects.select_for_update().get(entry=entry, criterion=criterion)
    before = final.points
    final.points = q(points)
    final.source = FinalSource.OFFICE
    final.note = reason.strip()[:500]
    final.decided_by = user
    final.decided_at = timezone.now()
    final.save(update_fields=["points", "source", "note", "decided_by", "decided_at"])
    audit.record(
        AuditAction.UPDATE,
        obj=final,
        actor=user,
        changes={"points": [fmt(before), fmt(final.points)]},
        message=f"复核调整 {criterion.code}：{reason.strip()[:200]}",
    )
    results_compute(round_=round_)
    return final


def results_compute(*, round_: Round) -> None:
    """Totals, per-dimension scores, ranks and grades of every school from its final scores."""
    scheme = round_.scheme
    criteria = {c.pk: c for c in scheme.criteria.all()}
    top_of: dict[int, str] = {}
    for c in criteria.values():
        node = c
        while node.parent_id is not None:
            node = criteria[node.parent_id]
        top_of[c.pk] = node.code
    entries = list(round_.entries.all())
    sums: dict[int, dict[str, Decimal]] = {e.pk: defaultdict(Decimal) for e in entries}
    for entry_id, criterion_id, points in FinalScore.objects.filter(
        entry__round=round_
    ).values_list("entry_id", "criterion_id", "points"):
        sums[entry_id][top_of[criterion_id]] += points
    totals: dict[int, Decimal | None] = {
        e.pk: (q(sum(sums[e.pk].values(), Decimal(0))) if sums[e.pk] else None) for e in entries
    }
    ranked = scoring.ranks(totals)
    now = timezone.now()
    for e in entries:
        e.total = totals[e.pk]
        e.rank = ranked[e.pk]
        e.grade = scoring.grade_of(totals[e.pk], scheme.grades)
        e.dimensions = {code: str(q(v)) for code, v in sums[e.pk].items()}
        e.computed_at = now
    Entry.objects.bulk_update(entries, ["total", "rank", "grade", "dimensions", "computed_at"])


@transaction.atomic
def round_publish_notice(
    *, user: User, round_: Round, notice_starts: dt.date, notice_ends: dt.date
) -> Round:
    """复核汇总 → 结果公示: results become visible to schools and bureaus; appeals are accepted
    from the first to the last day of the notice."""
    _manage(user)
    round_ = _locked_round(round_)
    if round_.status != RoundStatus.RECONCILIATION:
        raise _error(E.WRONG_STATE, _("只有复核汇总完成后才能公示结果"))
    if notice_ends < notice_starts:
        raise _error(E.INVALID_SCHEME, _("公示结束日期不能早于开始日期"))
    if (notice_ends - notice_starts).days < 4:
        raise _error(E.INVALID_SCHEME, _("公示期不少于 5 天"))
    round_.notice_starts, round_.notice_ends = notice_starts, notice_ends
    round_.save(update_fields=["notice_starts", "notice_ends"])
    _set_status(
        user,
        round_,
        RoundStatus.NOTICE,
        f"结果公示 {notice_starts:%Y-%m-%d} 至 {notice_ends:%Y-%m-%d}",
    )
    return round_


@transaction.atomic
def round_publish(*, user: User, round_: Round, today: dt.date | None = None) -> Round:
    """结果公示 → 已公布, after the notice has ended and every appeal is decided."""
    _manage(user)
    round_ = _locked_round(round_)
    day = _day(today)
    if round_.status != RoundStatus.NOTICE or round_.notice_ends is None:
        raise _error(E.WRONG_STATE, _("只有公示中的轮次可以公布结果"))
    if day <= round_.notice_ends:
        raise _error(
            E.WRONG_STATE,
            _("公示期至 {ends} 结束，期满后才能公布结果").format(
                ends=f"{round_.notice_ends:%Y-%m-%d}"
            ),
        )
    pending = Appeal.objects.filter(entry__round=round_, status=AppealStatus.PENDING).count()
    if pending:
        raise _error(
            E.PENDING_APPEALS,
            _("尚有 {count} 件申诉未处理，处理完毕后才能公布结果").format(count=pending),
        )
    round_.published_on = day
    round_.save(update_fields=["published_on"])
    _set_status(user, round_, RoundStatus.PUBLISHED, "公布评价结果")
    return round_


# ---------------------------------------------------------------- appeals


@transaction.atomic
def appeal_submit(
    *,
    user: User,
    entry: Entry,
    reason: str,
    criterion: Criterion | None = None,
    today: dt.date | None = None,
) -> Appeal:
    """A school appeals against its result (or one item of it) during the public notice."""
    entry = _own_entry(user, entry)
    round_ = entry.round
    day = _day(today)
    if round_.status != RoundStatus.NOTICE or round_.notice_starts is None:
        raise _error(E.OUT_OF_WINDOW, _("结果公示期间才能提出申诉"))
    assert round_.notice_ends is not None
    if not round_.notice_starts <= day <= round_.notice_ends:
        raise _error(
            E.OUT_OF_WINDOW,
            _("申诉期为 {starts} 至 {ends}，现已不在申诉期内，不能提出申诉").format(
                starts=f"{round_.notice_starts:%Y-%m-%d}", ends=f"{round_.notice_ends:%Y-%m-%d}"
            ),
        )
    if criterion is not None and (criterion.scheme_id != round_.scheme_id or not criterion.method):
        raise _error(E.INVALID_SCHEME, _("申诉的指标不是本方案的末级指标"))
    if not reason.strip():
        raise _error(E.INCOMPLETE, _("请写明申诉理由"))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                entry=entry, criterion=criterion, reason=reason.strip(), submitted_by=user
            )
    except IntegrityError as exc:
        raise _error(E.DUPLICATE, _("该项已有待处理的申诉，请等待处理结果")) from exc
    audit.record(
        AuditAction.CREATE,
        obj=appeal,
        actor=user,
        message=f"提出申诉{('：' + criterion.code) if criterion else ''}",
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    user: User,
    appeal: Appeal,
    upheld: bool,
    decision: str,
    points: Decimal | None = None,
) -> Appeal:
    """The office decides an appeal during the notice. Upheld with new points for the appealed
    item, the item's final score changes and the results are recomputed."""
    _manage(user)
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("entry__round", "criterion")
        .get(pk=appeal.pk)
    )
    if appeal.status != AppealStatus.PENDING:
        raise _error(E.WRONG_STATE, _("该申诉已处理"))
    round_ = _locked_round(appeal.entry.round)
    if round_.status != RoundStatus.NOTICE:
        raise _error(E.WRONG_STATE, _("只有公示期间可以处理申诉"))
    if not decision.strip():
        raise _error(E.INCOMPLETE, _("请写明处理意见"))
    if points is not None and not (upheld and appeal.criterion is not None):
        raise _error(E.INVALID_SCHEME, _("只有成立的单项申诉可以调整得分"))
    if points is not None and appeal.criterion is not None:
        _range_check(appeal.criterion, points)
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.decision = decision.strip()
    appeal.decided_by = user
    appeal.decided_at = timezone.now()
    fields = ["status", "decision", "decided_by", "decided_at"]
    if points is not None and appeal.criterion is not None:
        final = FinalScore.objects.select_for_update().get(
            entry=appeal.entry, criterion=appeal.criterion
        )
        appeal.points_before, appeal.points_after = final.points, q(points)
        fields += ["points_before", "points_after"]
        final.points = q(points)
        final.source = FinalSource.APPEAL
        final.note = _("申诉复核：{decision}").format(decision=decision.strip())[:500]
        final.decided_by = user
        final.decided_at = timezone.now()
        final.save(update_fields=["points", "source", "note", "decided_by", "decided_at"])
        audit.record(
            AuditAction.UPDATE,
            obj=final,
            actor=user,
            changes={"points": [fmt(appeal.points_before), fmt(final.points)]},
            message="申诉成立，调整核定得分",
        )
    appeal.save(update_fields=fields)
    audit.record(
        AuditAction.UPDATE,
        obj=appeal,
        actor=user,
        changes={"status": ["pending", appeal.status]},
        message=f"处理申诉：{appeal.get_status_display()}",
    )
    if "points_after" in fields:
        results_compute(round_=round_)
    return appeal
