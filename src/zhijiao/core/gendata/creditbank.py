"""The credit bank (学分银行) at volume: the certificate catalogue, every school's programmes with
their courses and versioned conversion rules, learners (the schools' students and adult workers)
with their outcomes, applications in every state with their events, the credits banked, the
ledger hashed into one chain, a few revocations and transcript shares, and a signed checkpoint.

What a learner did is drawn learner by learner from the module's seeded generator, and written
in chunks: learners, outcomes, applications with their outcomes and events, ledger entries, credit
records. A credited application looks as :func:`zhijiao.creditbank.services.application_credit`
leaves it: the engine's result frozen on the application, one ledger entry with the same payload
(the name on record sealed with the learner's key), one credit record per course. Ledger entries
follow the order learners are generated in (their ``at`` is the time of crediting), so sequence
numbers are not in time order across learners; the chain itself is exact and verifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from zhijiao.creditbank import ledger
from zhijiao.creditbank.data import (
    ID_PURPOSE,
    PHONE_PURPOSE,
    ApplicationAction,
    ApplicationStatus,
    EducationLevel,
    LearnerStatus,
    LedgerKind,
    OutcomeType,
    RuleStatus,
    level_name,
)
from zhijiao.creditbank.management.commands.democreditbank import (
    CERTIFICATES as DEMO_CERTIFICATES,
)
from zhijiao.creditbank.models import (
    Application,
    ApplicationEvent,
    Certificate,
    ConversionRule,
    Course,
    CreditRecord,
    Learner,
    LedgerEntry,
    LedgerHead,
    Outcome,
    Programme,
    RuleInput,
    RuleOutput,
    TranscriptShare,
)

from .base import (
    Context,
    Permutation,
    cumulative,
    local_at,
    ordered_map,
    stream_seed,
    weighted_index,
)
from .orgs import School, World

X = OutcomeType.CERTIFICATE_1X
Q = OutcomeType.QUALIFICATION
GENERATED_ISSUER = "培训评价组织（生成数据）"
SKILL_ISSUER = "职业技能等级认定机构（生成数据）"
# Beyond the demo's catalogue: more 1+X certificates and skill-level certificates.
EXTRA_CERTIFICATES: list[tuple[str, str, str, str, list[int]]] = [
    ("1X-DGXSK", "多工序数控机床操作", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-PLCBC", "可编程控制器系统应用编程", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-WLXT", "网络系统建设与运维", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-YJSYW", "云计算平台运维与开发", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-DSJKF", "大数据应用开发（Python）", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-CGWKF", "传感网应用开发", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-JCDL", "集成电路开发与测试", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-CWGX", "财务共享服务", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-KJDS", "跨境电商B2B数据运营", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-ZBDS", "直播电商", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-JMSJ", "界面设计", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-XNYDC", "新能源汽车动力电池关键技术", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-ZNWL", "智能网联汽车检测与运维", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-HAZOP", "化工危险与可操作性（HAZOP）分析", X, GENERATED_ISSUER, [1, 2, 3]),
    ("1X-FZCL", "服装陈列设计", X, GENERATED_ISSUER, [1, 2, 3]),
    ("ZG-HG", "焊工", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
    ("ZG-QG", "钳工", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
    ("ZG-HGZK", "化工总控工", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
    ("ZG-HXJY", "化学检验员", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
    ("ZG-ZSPT", "中式烹调师", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
    ("ZG-ZSMD", "中式面点师", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
    ("ZG-QCWX", "汽车维修工", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
    ("ZG-FZZB", "服装制版师", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
    ("ZG-JSJCX", "计算机程序设计员", Q, SKILL_ISSUER, [1, 2, 3, 4, 5]),
]
# Which certificates serve a major, by the start of its code (the longest prefix wins).
POOLS: dict[str, list[str]] = {
    "43": ["ZG-DG", "1X-PLCBC", "1X-ZNZZ"],
    "46": ["1X-GYJQR-CZYW", "1X-GYJQR-YYBC", "1X-SKCX", "1X-ZNZZ", "1X-TSHJ", "ZG-DG", "ZG-CG"]
    + ["1X-DGXSK", "1X-PLCBC", "ZG-HG", "ZG-QG"],
    "66": ["1X-GYJQR-CZYW", "1X-SKCX", "1X-TSHJ", "ZG-DG", "ZG-CG", "1X-DGXSK", "ZG-HG", "ZG-QG"],
    "4607": ["1X-QCYY", "1X-XNYDC", "1X-ZNWL", "ZG-QCWX", "ZG-DG"],
    "70": ["1X-QCYY", "1X-XNYDC", "1X-ZNWL", "ZG-QCWX"],
    "47": ["1X-HAZOP", "ZG-HGZK", "ZG-HXJY"],
    "48": ["1X-FZCL", "ZG-FZZB"],
    "68": ["1X-FZCL", "ZG-FZZB"],
    "51": ["1X-WEBQD", "1X-YJSYW", "1X-DSJKF", "1X-WLXT", "1X-CGWKF", "1X-JCDL", "ZG-JSJCX"],
    "71": ["1X-WEBQD", "1X-WLXT", "1X-JMSJ", "ZG-JSJCX"],
    "5303": ["1X-ZNCS", "1X-YCYT", "1X-CWGX"],
    "7303": ["1X-ZNCS", "1X-YCYT", "1X-CWGX"],
    "5307": ["1X-DSSJFX", "1X-WDYY", "1X-KJDS", "1X-ZBDS"],
    "7307": ["1X-WDYY", "1X-DSSJFX", "1X-ZBDS"],
    "5308": ["1X-WLGL", "1X-KJDS"],
    "7308": ["1X-WLGL"],
    "74": ["ZG-ZSPT", "ZG-ZSMD"],
    "75": ["1X-JMSJ", "1X-WDYY"],
}
TRAININGS = ["企业新型学徒制培训", "安全生产培训", "数字技能提升培训", "职业技能提升行动培训"]
TRAINING_ISSUER = "江阴市职业技能培训指导中心（生成数据）"
AWARD_TITLE = "江苏省职业院校技能大赛"
AWARD_ISSUER = "江苏省教育厅"
GENERAL_COURSES = [
    ("专业导论", 2),
    ("专业基础", 4),
    ("核心技术（一）", 4),
    ("核心技术（二）", 4),
    ("综合实训", 3),
    ("工艺与标准", 3),
    ("项目实践", 4),
    ("职业素养", 2),
]
LEVEL_OF = {
    "higher": EducationLevel.HIGHER,
    "secondary": EducationLevel.SECONDARY,
    "technical": EducationLevel.SECONDARY,
    "open": EducationLevel.OPEN,
}
TOTAL_CREDITS = {
    EducationLevel.HIGHER: 150,
    EducationLevel.SECONDARY: 170,
    EducationLevel.OPEN: 80,
}
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as creditbank.services
# Plain strings (enum members hash by name, not by value: keys of dicts must be plain).
BANK_APPROVED = ApplicationStatus.BANK_APPROVED.value
CREDITED = ApplicationStatus.CREDITED.value
DRAFT = ApplicationStatus.DRAFT.value
IN_NOTICE = ApplicationStatus.IN_NOTICE.value
REJECTED = ApplicationStatus.REJECTED.value
RETURNED = ApplicationStatus.RETURNED.value
REVOKED = ApplicationStatus.REVOKED.value
SCHOOL_APPROVED = ApplicationStatus.SCHOOL_APPROVED.value
SUBMITTED = ApplicationStatus.SUBMITTED.value
WITHDRAWN = ApplicationStatus.WITHDRAWN.value
A_BANK_APPROVE = ApplicationAction.BANK_APPROVE.value
A_CREATE = ApplicationAction.CREATE.value
A_CREDIT = ApplicationAction.CREDIT.value
A_NOTICE = ApplicationAction.NOTICE.value
A_REJECT = ApplicationAction.REJECT.value
A_RETURN = ApplicationAction.RETURN.value
A_REVOKE = ApplicationAction.REVOKE.value
A_SCHOOL_APPROVE = ApplicationAction.SCHOOL_APPROVE.value
A_SUBMIT = ApplicationAction.SUBMIT.value
A_WITHDRAW = ApplicationAction.WITHDRAW.value
ACTIVE = LearnerStatus.ACTIVE.value
RULES_FROM = dt.date(2021, 9, 1)
REVISED_FROM = dt.date(2023, 9, 1)

# Where an application's story stops, by weight (the rest are credited).
STATES: list[tuple[str, float]] = [
    (CREDITED, 80),
    (IN_NOTICE, 2),
    (BANK_APPROVED, 1.5),
    (SCHOOL_APPROVED, 2),
    (SUBMITTED, 3),
    (DRAFT, 2.5),
    (RETURNED, 2.5),
    (REJECTED, 2),
    (WITHDRAWN, 2),
    (REVOKED, 0.5),
]
RETURN_COMMENTS = [
    "请补充证书扫描件",
    "证书编号与查询结果不一致，请核对",
    "请上传清晰的证书原件照片",
]
REJECT_COMMENTS = ["所选证书与申请专业不对应", "经核实成果材料不完整", "证书经核查信息不符"]
REVOKE_REASON = "证书经发证机构核查已注销，撤销相应学分认定"


@dataclass
class Cert:
    id: int
    code: str
    name: str
    kind: str
    issuer: str
    levels: list[int]


@dataclass
class Output:
    course_id: int
    code: str
    name: str
    credits: str  # "4"


@dataclass
class Rule:
    code: str
    title: str
    versions: list[tuple[int, int, dt.date, dt.date | None]]  # (id, version, from, to)
    kind: str  # the outcome type it takes
    cert: Cert | None
    content_key: str
    min_level: int
    outputs: list[Output]

    def version_on(self, day: dt.date) -> tuple[int, int]:
        for pk, version, start, end in self.versions:
            if start <= day and (end is None or day <= end):
                return pk, version
        return self.versions[0][0], self.versions[0][1]


@dataclass
class Prog:
    id: int
    school: School
    major_code: str
    major_name: str
    level: str
    total: int
    rules: list[Rule] = field(default_factory=list)
    payload_head: dict[str, Any] = field(default_factory=dict)  # the ledger's "programme"


@dataclass
class Catalogue:
    certificates: dict[str, Cert]
    programmes: dict[tuple[int, str], Prog]  # (school id, major code)
    by_school: dict[int, list[Prog]]


def _pool(major_code: str) -> list[str]:
    for length in (4, 2):
        pool = POOLS.get(major_code[:length])
        if pool:
            return pool
    return ["1X-WDYY"]


def _catalogue(ctx: Context, world: World) -> Catalogue:
    writer = ctx.writer
    rng = ctx.rng("creditbank:catalogue")
    created = local_at(dt.date(2021, 8, 20))
    certs: dict[str, Cert] = {}
    rows: list[tuple[Any, ...]] = []
    for index, (code, name, kind, issuer, levels) in enumerate(
        DEMO_CERTIFICATES + EXTRA_CERTIFICATES, start=1
    ):
        certs[code] = Cert(index, code, name, str(kind), issuer, list(levels))
        rows.append((index, code, name, str(kind), issuer, json.dumps(levels), True))
    writer.write(
        Certificate,
        ["id", "code", "name", "outcome_type", "organisation", "levels", "is_active"],
        rows,
        label="证书目录",
    )
    programmes: dict[tuple[int, str], Prog] = {}
    by_school: dict[int, list[Prog]] = {}
    p_rows, c_rows, r_rows, i_rows, o_rows = [], [], [], [], []
    p_id = c_id = r_id = i_id = o_id = 0
    for school_number, school in enumerate(world.schools, start=1):
        level = LEVEL_OF[school.kind]
        for major_code, major_name in school.majors:
            p_id += 1
            prog = Prog(p_id, school, major_code, major_name, level, TOTAL_CREDITS[level])
            programmes[(school.id, major_code)] = prog
            by_school.setdefault(school.id, []).append(prog)
            p_rows.append((p_id, school.id, major_code, major_name, level, f"{prog.total}.0", True))
            prog.payload_head = {
                "id": p_id,
                "school": school.name,
                "major_code": major_code,
                "major_name": major_name,
                "level": str(level),
            }
            short = major_code[2:]
            for n, (name, credits) in enumerate(GENERAL_COURSES, start=1):
                c_id += 1
                c_rows.append(
                    (c_id, p_id, f"K{short}{n:02d}", f"{major_name}{name}", f"{credits}.0")
                )
            # One rule per certificate of the major's pool (at most five), one for a training
            # and one for a provincial competition award.
            pool = _pool(major_code)
            chosen = sorted(rng.sample(pool, k=min(5, len(pool))))
            specs: list[tuple[str, Cert | None, str, int]] = [
                (certs[c].kind, certs[c], f"cert:{c}", rng.choice((1, 1, 2))) for c in chosen
            ]
            training = rng.choice(TRAININGS)
            specs.append((OutcomeType.TRAINING, None, f"training:{training}", 0))
            specs.append((OutcomeType.AWARD, None, f"award:{AWARD_TITLE}", 1))
            for number, (kind, cert, key, min_level) in enumerate(specs, start=1):
                outputs: list[Output] = []
                if cert is not None:
                    names = [f"{cert.name}实务"] + (
                        [f"{cert.name}实训"] if rng.random() < 0.8 else []
                    )
                    title = f"{cert.name}证书转换"
                    label = f"{cert.name}（{level_name(kind, min_level)}及以上）"
                elif kind == OutcomeType.TRAINING:
                    names = ["岗位实习", "职业素养拓展"]
                    title, label = f"{training}学分转换", training
                else:
                    names = ["技能竞赛实践"]
                    title, label = f"{AWARD_TITLE}获奖学分转换", f"{AWARD_TITLE}三等奖及以上"
                for step, course_name in enumerate(names, start=1):
                    c_id += 1
                    code = f"R{short}{number}{step}"
                    worth = "4" if cert is not None else "2"
                    c_rows.append((c_id, p_id, code, course_name, f"{worth}.0"))
                    outputs.append(Output(c_id, code, course_name, worth))
                rule_code = f"S{school_number:03d}-{major_code}-{number:02d}"
                revised = rng.random() < 0.25
                versions: list[tuple[int, int, dt.date, dt.date | None]] = []
                windows = [(RULES_FROM, REVISED_FROM - dt.timedelta(days=1)), (REVISED_FROM, None)]
                for version, (start, end) in enumerate(
                    windows if revised else [(RULES_FROM, None)], 1
                ):
                    r_id += 1
                    versions.append((r_id, version, start, end))
                    r_rows.append(
                        (
                            r_id,
                            rule_code,
                            version,
                            title,
                            p_id,
                            school.id if number % 3 == 0 else None,
                            RuleStatus.PUBLISHED,
                            start.isoformat(),
                            end.isoformat() if end else None,
                            None,
                            None,
                            None,
                            "生成数据" + ("（修订版）" if version > 1 else ""),
                            world.office,
                            created,
                            world.office,
                            local_at(start - dt.timedelta(days=10), 10),
                        )
                    )
                    i_id += 1
                    i_rows.append(
                        (
                            i_id,
                            r_id,
                            1,
                            cert.id if cert else None,
                            None,
                            kind,
                            "" if cert else key,
                            min_level,
                            label,
                        )
                    )
                    for position, output in enumerate(outputs, start=1):
                        o_id += 1
                        o_rows.append(
                            (o_id, r_id, position, output.course_id, f"{output.credits}.0")
                        )
                prog.rules.append(
                    Rule(rule_code, title, versions, kind, cert, key, min_level, outputs)
                )
    writer.write(
        Programme,
        [
            "id",
            "school",
            "major_code",
            "major_name",
            "education_level",
            "total_credits",
            "is_active",
        ],
        p_rows,
        label="专业（学历教育）",
    )
    writer.write(Course, ["id", "programme", "code", "name", "credits"], c_rows, label="课程")
    writer.write(
        ConversionRule,
        [
            "id",
            "code",
            "version",
            "title",
            "programme",
            "publisher",
            "status",
            "valid_from",
            "valid_to",
            "max_share_percent",
            "yearly_cap",
            "max_age_years",
            "note",
            "created_by",
            "created_at",
            "published_by",
            "published_at",
        ],
        r_rows,
        label="学分转换规则",
    )
    writer.write(
        RuleInput,
        [
            "id",
            "rule",
            "position",
            "certificate",
            "course",
            "outcome_type",
            "content_key",
            "min_level",
            "label",
        ],
        i_rows,
        label="规则条件",
    )
    writer.write(
        RuleOutput, ["id", "rule", "position", "course", "credits"], o_rows, label="转换课程"
    )
    return Catalogue(certs, programmes, by_school)


# ---------------------------------------------------------------- learners and their stories


def _code(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rest = divmod(value, 32)
        chars.append(CODE_ALPHABET[rest])
    return "".join(reversed(chars))


# Keys of a chunk of learners come from a block of their own (at most this many rows per learner
# and table), so that chunks can be generated in any process, in any order, and still get the same
# keys; the ledger's sequence numbers and hashes are given in order by the writing process.
PER_LEARNER = {
    "outcome": 16,
    "application": 2,
    "link": 8,
    "event": 16,
    "record": 16,
    "entry": 4,
    "share": 1,
    "share_link": 16,
}


@dataclass
class Counters:
    outcome: int = 1
    application: int = 1
    link: int = 1
    event: int = 1
    record: int = 1
    entry: int = 1
    share: int = 1
    share_link: int = 1

    @classmethod
    def for_chunk(cls, chunk: int, size: int) -> Counters:
        return cls(**{name: chunk * size * n + 1 for name, n in PER_LEARNER.items()})


@dataclass
class Buffers:
    learners: list[tuple[Any, ...]] = field(default_factory=list)
    outcomes: list[tuple[Any, ...]] = field(default_factory=list)
    applications: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    entries: list[tuple[Any, ...]] = field(default_factory=list)
    records: list[tuple[Any, ...]] = field(default_factory=list)
    shares: list[tuple[Any, ...]] = field(default_factory=list)  # digest still to compute
    share_records: list[list[tuple[Any, ...]]] = field(default_factory=list)
    share_links: list[tuple[Any, ...]] = field(default_factory=list)
    entry_base: int = 0  # the chunk's first entry key


LEARNER_COLUMNS = [
    "id",
    "account_number",
    "name",
    "id_number",
    "id_lookup",
    "phone",
    "phone_lookup",
    "data_key",
    "school",
    "user",
    "status",
    "opened_by",
    "opened_at",
    "erased_at",
]
OUTCOME_COLUMNS = [
    "id",
    "learner",
    "outcome_type",
    "certificate",
    "course",
    "level",
    "title",
    "certificate_number",
    "issuer",
    "obtained_on",
    "expires_on",
    "hours",
    "content_key",
    "evidence",
    "evidence_name",
    "evidence_type",
    "school",
    "recorded_by",
    "recorded_at",
]
APPLICATION_COLUMNS = [
    "id",
    "number",
    "learner",
    "programme",
    "school",
    "status",
    "preview",
    "result",
    "credits",
    "comment",
    "batch",
    "created_by",
    "created_at",
    "submitted_at",
    "notice_starts",
    "notice_ends",
    "credited_at",
    "withdrawn_at",
    "revoked_at",
    "revoke_reason",
    "updated_at",
]
EVENT_COLUMNS = [
    "id",
    "application",
    "action",
    "from_status",
    "to_status",
    "actor",
    "comment",
    "at",
]
ENTRY_COLUMNS = ["id", "seq", "kind", "account", "payload", "prev_hash", "hash", "at"]
RECORD_COLUMNS = [
    "id",
    "learner",
    "application",
    "recognition",
    "programme",
    "course",
    "credits",
    "rule_code",
    "rule_version",
    "outcome_ids",
    "content_keys",
    "credited_on",
    "entry",
    "revoked_at",
    "revoke_reason",
    "revoke_entry",
]
SHARE_COLUMNS = [
    "id",
    "code",
    "learner",
    "programme",
    "digest",
    "created_by",
    "created_at",
    "revoked_at",
    "revoke_reason",
    "replaced_by",
]


class Story:
    """Draws each learner's history and appends its rows to the buffers."""

    def __init__(self, ctx: Context, world: World, catalogue: Catalogue) -> None:
        self.ctx = ctx
        self.world = world
        self.catalogue = catalogue
        self.crypto = ctx.crypto
        self.today = ctx.today
        self.rng = ctx.rng("creditbank:learners:0")  # each chunk sets its own (chunk())
        self.ids = Counters()
        self.accounts = Permutation(32**10, stream_seed(ctx.seed, "creditbank:accounts"))
        self.share_codes = Permutation(32**12, stream_seed(ctx.seed, "creditbank:shares"))
        self.state_names = [s for s, _ in STATES]
        self.state_cdf = cumulative([w for _, w in STATES])
        scale = ctx.scale
        self.learners = scale.count(scale.learners, minimum=20)
        self.students = min(scale.count(scale.students), self.learners)
        # Calibrated so that outcomes + credit records come to about ``learning_records``.
        self.activity = scale.learning_records / scale.learners / 10.0
        self.tz = timezone.get_current_timezone()
        self.opened_from = dt.date(2021, 9, 1)
        self.learner_users = list(world.learner_users)

    def chunk(self, number: int) -> Buffers:
        """The learners of chunk ``number`` (``scale.chunk`` learners) with everything they did;
        the same rows whichever process draws them."""
        size = self.ctx.scale.chunk
        self.rng = self.ctx.rng(f"creditbank:learners:{number}")
        self.ids = Counters.for_chunk(number, size)
        out = Buffers(entry_base=self.ids.entry)
        for index in range(number * size, min((number + 1) * size, self.learners)):
            self.learner(index, out)
        return out

    # ------------------------------------------------------------ one learner

    def learner(self, index: int, out: Buffers) -> None:
        rng = self.rng
        world = self.world
        today = self.today
        if index < self.students:
            person, school, (major_code, _), enrolled = world.student(index)
            opened = dt.date(enrolled, 9, 1) + dt.timedelta(days=rng.randrange(0, 60))
            if opened >= today:
                opened = today - dt.timedelta(days=1)
        else:
            person = (world.locals if rng.random() < 0.7 else world.migrants)[index]
            school = world.adult_school(index)
            major_code = rng.choice(school.majors)[0]
            span = (today - self.opened_from).days - 20
            opened = self.opened_from + dt.timedelta(days=rng.randrange(0, max(span, 1)))
        prog = self.catalogue.programmes[(school.id, major_code)]
        pk = index + 1
        account = "JY" + _code(self.accounts(index), 10)
        crypto = self.crypto
        data_key = crypto.data_key("creditbank_learner", pk)
        user = None
        if index % 97 == 3 and index // 97 < len(self.learner_users):
            user = self.learner_users[index // 97]
        opened_by = school.clerk
        out.learners.append(
            (
                pk,
                account,
                crypto.encrypt(person.name, "creditbank_learner", pk, "name"),
                crypto.encrypt(person.id_number, "creditbank_learner", pk, "id_number"),
                crypto.digest(person.id_number, ID_PURPOSE),
                crypto.encrypt(person.phone, "creditbank_learner", pk, "phone"),
                crypto.digest(person.phone, PHONE_PURPOSE),
                crypto.encrypt(data_key, "creditbank_learner", pk, "data_key"),
                school.id,
                user,
                ACTIVE,
                opened_by,
                local_at(opened, 9 + rng.randrange(0, 8), rng.randrange(0, 60)),
                None,
            )
        )
        # Outcomes: certificates for some of the programme's rules (a few at two levels), a
        # training, now and then an award or informal learning.
        held: list[tuple[Rule, int, dt.date, int]] = []  # rule, outcome id, obtained, level
        earliest = opened - dt.timedelta(days=365)
        latest = today - dt.timedelta(days=30)
        window = max((latest - earliest).days, 1)
        cert_rules = [r for r in prog.rules if r.cert is not None]
        wanted = min(len(cert_rules), max(0, round(rng.gauss(4.4 * self.activity, 1.2))))
        for rule in rng.sample(cert_rules, k=wanted):
            cert = rule.cert
            assert cert is not None
            top_levels = [lv for lv in cert.levels[:3] if lv >= rule.min_level] or cert.levels[:1]
            top = rng.choice(top_levels)
            obtained = earliest + dt.timedelta(days=rng.randrange(0, window))
            steps = [top - 1, top] if top > 1 and rng.random() < 0.45 else [top]
            for step, level in enumerate(steps):
                day = obtained - dt.timedelta(days=300 * (len(steps) - 1 - step))
                oid = self._outcome(
                    out,
                    pk,
                    cert.kind,
                    cert.id,
                    level,
                    cert.name,
                    f"{cert.code}-{day.year}{rng.randrange(10**6):06d}",
                    cert.issuer,
                    day,
                    None,
                    f"cert:{cert.code}",
                    school.id,
                    opened_by,
                )
                if level == top:
                    held.append((rule, oid, day, level))
        trainings = rng.choice((0, 1, 1, 2, 3)) if rng.random() < self.activity else 0
        rule = prog.rules[-2]
        matched = False
        for title in rng.sample(TRAININGS, k=trainings):
            day = earliest + dt.timedelta(days=rng.randrange(0, window))
            oid = self._outcome(
                out,
                pk,
                OutcomeType.TRAINING,
                None,
                0,
                title,
                "",
                TRAINING_ISSUER,
                day,
                rng.choice((24, 40, 80)),
                f"training:{title}",
                school.id,
                opened_by,
            )
            if rule.content_key == f"training:{title}" and not matched:
                held.append((rule, oid, day, 0))
                matched = True
        if rng.random() < 0.08:
            day = earliest + dt.timedelta(days=rng.randrange(0, window))
            level = rng.choice((1, 1, 2, 3))
            oid = self._outcome(
                out,
                pk,
                OutcomeType.AWARD,
                None,
                level,
                AWARD_TITLE,
                "",
                AWARD_ISSUER,
                day,
                None,
                f"award:{AWARD_TITLE}",
                school.id,
                opened_by,
            )
            held.append((prog.rules[-1], oid, day, level))
        if rng.random() < 0.3 * self.activity:
            day = earliest + dt.timedelta(days=rng.randrange(0, window))
            self._outcome(
                out,
                pk,
                OutcomeType.INFORMAL,
                None,
                0,
                "企业岗位技能实践",
                "",
                "江阴市企业（生成数据）",
                day,
                rng.choice((40, 80, 160)),
                "informal:企业岗位技能实践",
                school.id,
                opened_by,
            )
        if not held or rng.random() < 0.07:
            return
        held.sort(key=lambda h: (h[2], h[1]))
        groups = [held]
        if len(held) >= 3 and rng.random() < 0.5:
            cut = len(held) // 2
            groups = [held[:cut], held[cut:]]
        standing: list[tuple[Any, ...]] = []
        for group in groups:
            standing += self._application(
                out, pk, account, person.name, data_key, prog, user, group
            )
        if standing and rng.random() < 0.05:
            self._share(out, pk, account, standing)

    def _outcome(
        self,
        out: Buffers,
        learner: int,
        kind: str,
        cert: int | None,
        level: int,
        title: str,
        number: str,
        issuer: str,
        day: dt.date,
        hours: int | None,
        key: str,
        school: int,
        recorded_by: int,
    ) -> int:
        oid = self.ids.outcome
        self.ids.outcome += 1
        out.outcomes.append(
            (
                oid,
                learner,
                kind,
                cert,
                None,
                level,
                title,
                number,
                issuer,
                day.isoformat(),
                None,
                hours,
                key,
                "",
                "",
                "",
                school,
                recorded_by,
                local_at(day + dt.timedelta(days=7), 10),
            )
        )
        return oid

    def _application(
        self,
        out: Buffers,
        learner: int,
        account: str,
        name: str,
        data_key: str,
        prog: Prog,
        user: int | None,
        group: list[tuple[Rule, int, dt.date, int]],
    ) -> list[tuple[Any, ...]]:
        """One application of ``group`` (rule, outcome, date, level) to ``prog``; returns the
        standing credit records it made (for shares)."""
        rng = self.rng
        ids = self.ids
        today = self.today
        state = self.state_names[weighted_index(self.state_cdf, rng.random())]
        start = max(h[2] for h in group) + dt.timedelta(days=rng.randrange(10, 200))
        if start >= today:
            start = today - dt.timedelta(days=rng.randrange(1, 6))
        # The days each step happened, had the application gone all the way.
        submitted = start + dt.timedelta(days=rng.randrange(0, 2))
        school_day = submitted + dt.timedelta(days=rng.randrange(1, 5))
        bank_day = school_day + dt.timedelta(days=rng.randrange(1, 5))
        notice_start = bank_day + dt.timedelta(days=2)
        notice_end = notice_start + dt.timedelta(days=6)
        credit_day = notice_end + dt.timedelta(days=1)
        revoke_day = credit_day + dt.timedelta(days=rng.randrange(30, 200))
        path = {
            DRAFT: start,
            SUBMITTED: submitted,
            WITHDRAWN: submitted + dt.timedelta(days=2),
            RETURNED: school_day,
            SCHOOL_APPROVED: school_day,
            REJECTED: bank_day,
            BANK_APPROVED: bank_day,
            IN_NOTICE: notice_start,
            CREDITED: credit_day,
            REVOKED: revoke_day,
        }
        # A story that would end after today stops at the last step already taken.
        order = [
            DRAFT,
            SUBMITTED,
            SCHOOL_APPROVED,
            BANK_APPROVED,
            IN_NOTICE,
            CREDITED,
            REVOKED,
        ]
        if path[state] >= today:
            state = DRAFT
            for step in order:
                if path[step] < today:
                    state = step
        aid = ids.application
        ids.application += 1
        number = f"XF{start:%Y}{aid:06d}"
        clerk = prog.school.clerk
        creator = user or clerk
        office = self.world.office

        # The engine's evaluation: one grant per output of every rule met.
        grants: list[
            tuple[Rule, Output, int, int, int]
        ] = []  # rule, output, rule id, version, outcome
        decisions: list[dict[str, Any]] = []
        on_date = credit_day if state in (CREDITED, REVOKED) else submitted
        total = 0
        for rule, outcome_id, _day, level in group:
            rule_id, version = rule.version_on(on_date)
            names = []
            credits = 0
            for output in rule.outputs:
                grants.append((rule, output, rule_id, version, outcome_id))
                names.append(output.name)
                credits += int(output.credits)
            total += credits
            if rule.cert is not None:
                what = f"证书 {rule.cert.name} {level_name(rule.cert.kind, level)}".strip()
            elif rule.kind == OutcomeType.AWARD:
                what = f"获奖 {AWARD_TITLE} {level_name(OutcomeType.AWARD, level)}".strip()
            else:
                what = f"培训 {rule.content_key.split(':', 1)[1]}"
            decisions.append(
                {
                    "kind": "granted",
                    "message": f"{what} → 课程 {'、'.join(names)} 共 {credits} 学分；"
                    f"依据规则 {rule.code} 第 {version} 版",
                    "outcome_ids": [outcome_id],
                    "rule": f"{rule.code}@{version}",
                    "credits": f"{credits}.0",
                }
            )
        described = f"{prog.school.name}{prog.major_name}专业"

        def evaluation(day: dt.date) -> str:
            if cache:
                return cache[0].replace(cache[1], day.isoformat(), 1)
            text = json.dumps(
                {
                    "on_date": day.isoformat(),
                    "programme": str(prog.id),
                    "total": f"{total}.0",
                    "summary": f"{described}：共转换 {len(grants)} 门课程 {total} 学分",
                    "grants": [
                        {
                            "course_code": o.code,
                            "course_name": o.name,
                            "credits": f"{o.credits}.0",
                            "rule_code": r.code,
                            "rule_version": v,
                            "outcome_ids": [oc],
                        }
                        for r, o, _rid, v, oc in grants
                    ],
                    "decisions": decisions,
                },
                ensure_ascii=False,
            )
            cache.extend((text, day.isoformat()))
            return text

        cache: list[str] = []

        events: list[tuple[str, str, str, int | None, str, dt.date]] = [
            (A_CREATE, "draft", "draft", creator, "", start)
        ]
        summary = f"{described}：共转换 {len(grants)} 门课程 {total} 学分"
        preview = "{}"
        result = "{}"
        comment = ""
        credited_at = withdrawn_at = revoked_at = None
        notice: tuple[str | None, str | None] = (None, None)
        credits_total = "0.0"
        revoke_reason = ""
        status = state
        if state != DRAFT:
            preview = evaluation(submitted)
            events.append((A_SUBMIT, "draft", "submitted", creator, summary, submitted))
        if state == WITHDRAWN:
            events.append(
                (
                    A_WITHDRAW,
                    "submitted",
                    "withdrawn",
                    creator,
                    "本人决定暂不申请",
                    path[state],
                )
            )
            withdrawn_at = local_at(path[state], 10)
        if state == RETURNED:
            comment = rng.choice(RETURN_COMMENTS)
            events.append((A_RETURN, "submitted", "returned", clerk, comment, school_day))
        if state in (
            SCHOOL_APPROVED,
            REJECTED,
            BANK_APPROVED,
            IN_NOTICE,
            CREDITED,
            REVOKED,
        ):
            events.append(
                (
                    A_SCHOOL_APPROVE,
                    "submitted",
                    "school_approved",
                    clerk,
                    "",
                    school_day,
                )
            )
        if state == REJECTED:
            comment = rng.choice(REJECT_COMMENTS)
            events.append((A_REJECT, "school_approved", "rejected", office, comment, bank_day))
        if state in (BANK_APPROVED, IN_NOTICE):
            result = evaluation(bank_day)
        if state in (
            BANK_APPROVED,
            IN_NOTICE,
            CREDITED,
            REVOKED,
        ):
            events.append(
                (
                    A_BANK_APPROVE,
                    "school_approved",
                    "bank_approved",
                    office,
                    "",
                    bank_day,
                )
            )
        if state in (IN_NOTICE, CREDITED, REVOKED):
            notice = (notice_start.isoformat(), notice_end.isoformat())
            events.append(
                (
                    A_NOTICE,
                    "bank_approved",
                    "in_notice",
                    office,
                    f"公示期 {notice_start:%Y-%m-%d} 至 {notice_end:%Y-%m-%d}",
                    notice_start,
                )
            )
        standing: list[tuple[Any, ...]] = []
        if state in (CREDITED, REVOKED):
            result = evaluation(credit_day)
            entry = self._entry(
                out,
                LedgerKind.CREDIT.value,
                account,
                credit_day,
                {
                    "application": number,
                    "programme": prog.payload_head,
                    "courses": [
                        {
                            "programme": prog.id,
                            "course_code": o.code,
                            "course_name": o.name,
                            "credits": o.credits,
                            "rule": f"{r.code}@{v}",
                        }
                        for r, o, _rid, v, _oc in grants
                    ],
                    "total": str(total),
                    "credited_on": credit_day.isoformat(),
                    "name_on_record": self.crypto.seal(data_key, account, name, f"{aid}:credit"),
                    "explanation": [d["message"] for d in decisions],
                },
            )
            credits_total = f"{total}.0"
            credited_at = local_at(credit_day, 9)
            events.append(
                (
                    A_CREDIT,
                    "in_notice",
                    "credited",
                    office,
                    f"入账 {total} 学分（账本第 {entry[1]} 号）",
                    credit_day,
                )
            )
            revoke_entry = None
            if state == REVOKED:
                first = ids.record
                revoke_entry = self._entry(
                    out,
                    LedgerKind.REVOKE.value,
                    account,
                    revoke_day,
                    {
                        "application": number,
                        "records": list(range(first, first + len(grants))),
                        "courses": [o.code for _r, o, _rid, _v, _oc in grants],
                        "derived": [],
                        "reason": REVOKE_REASON,
                    },
                )
                revoked_at = local_at(revoke_day, 15)
                revoke_reason = REVOKE_REASON
                events.append(
                    (
                        A_REVOKE,
                        "credited",
                        "revoked",
                        office,
                        f"{REVOKE_REASON}（账本第 {revoke_entry[1]} 号）",
                        revoke_day,
                    )
                )
            for rule, output, _rule_id, version, outcome_id in grants:
                row = (
                    ids.record,
                    learner,
                    aid,
                    None,
                    prog.id,
                    output.course_id,
                    f"{output.credits}.0",
                    rule.code,
                    version,
                    f"[{outcome_id}]",
                    json.dumps([rule.content_key], ensure_ascii=False),
                    credit_day.isoformat(),
                    entry[0],
                    revoked_at,
                    revoke_reason,
                    revoke_entry[0] if revoke_entry else None,
                )
                ids.record += 1
                out.records.append(row)
                if revoke_entry is None:
                    standing.append((row, output, entry[2]))
        last_day = events[-1][5]
        out.applications.append(
            (
                aid,
                number,
                learner,
                prog.id,
                prog.school.id,
                status,
                preview,
                result,
                credits_total,
                comment,
                "",
                creator,
                local_at(start, 9),
                local_at(submitted, 9, 30) if state != DRAFT else None,
                notice[0],
                notice[1],
                credited_at,
                withdrawn_at,
                revoked_at,
                revoke_reason,
                local_at(last_day, 9),
            )
        )
        for _rule, outcome_id, _day, _level in group:
            out.links.append((ids.link, aid, outcome_id))
            ids.link += 1
        for minute, (action, before, after, actor, text, day) in enumerate(events):
            out.events.append(
                (ids.event, aid, action, before, after, actor, text[:500], local_at(day, 9, minute))
            )
            ids.event += 1
        return standing

    def _entry(
        self,
        out: Buffers,
        kind: str,
        account: str,
        day: dt.date,
        payload: dict[str, Any],
    ) -> tuple[int, str, int]:
        """A ledger entry (key, kind, account, payload, time); its sequence number and hash come
        later, in order (:func:`_chain`). Returns (key, a token standing for the sequence number
        in texts, its place in the chunk)."""
        ids = self.ids
        pk = ids.entry
        ids.entry += 1
        at = ledger.timestamp(
            dt.datetime.combine(day, dt.time(9, 0, 0, pk % 1_000_000), tzinfo=self.tz)
        )
        out.entries.append((pk, kind, account, ledger.canonical_json(payload), at))
        place = pk - out.entry_base
        return pk, f"\x00{place}\x00", place

    def _share(
        self, out: Buffers, learner: int, account: str, standing: list[tuple[Any, ...]]
    ) -> None:
        """A transcript share of every standing credit; its digest (over the ledger hashes of the
        entries that credited them) is computed once the chain is (:func:`_chain`)."""
        sid = self.ids.share
        self.ids.share += 1
        credited = max(row[11] for row, _o, _p in standing)
        day = min(dt.date.fromisoformat(credited) + dt.timedelta(days=20), self.today)
        out.shares.append(
            (sid, _code(self.share_codes(sid), 12), learner, account, local_at(day, 11))
        )
        out.share_records.append(
            [
                (row[0], row[4], output.code, output.name, row[6], row[11], place)
                for row, output, place in standing
            ]
        )
        for row, _o, _p in standing:
            out.share_links.append((self.ids.share_link, sid, row[0]))
            self.ids.share_link += 1


@dataclass
class Chain:
    seq: int = 0
    head: str = ledger.GENESIS


def _chain(
    chain: Chain, out: Buffers, office: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Gives the chunk's ledger entries their sequence numbers and hashes, in order, and puts
    the numbers and hashes where the chunk's texts and shares need them. Returns the entry and
    share rows."""
    entries: list[tuple[Any, ...]] = []
    seqs: list[int] = []
    hashes: list[str] = []
    for pk, kind, account, payload, at in out.entries:
        chain.seq += 1
        digest = ledger.chain_hash(
            chain.head, ledger.entry_bytes(chain.seq, kind, account, at, payload)
        )
        entries.append((pk, chain.seq, kind, account, payload, chain.head, digest, at))
        chain.head = digest
        seqs.append(chain.seq)
        hashes.append(digest)
    events = out.events
    for position, row in enumerate(events):
        if row[2] in ("credit", "revoke"):
            before, place, after = row[6].split("\x00")
            events[position] = (*row[:6], f"{before}{seqs[int(place)]}{after}", row[7])
    shares = []
    for (sid, code, learner, account, created), records in zip(
        out.shares, out.share_records, strict=True
    ):
        statement = ledger.canonical_json(
            {
                "account": account,
                "records": [
                    [pk, programme, course, name, credits, day, hashes[place]]
                    for pk, programme, course, name, credits, day, place in records
                ],
            }
        )
        digest = hashlib.new("sm3", statement.encode("utf-8")).hexdigest()
        shares.append((sid, code, learner, None, digest, office, created, None, "", None))
    return entries, shares


_STORY: Story | None = None


def _draw(number: int) -> Buffers:
    assert _STORY is not None
    return _STORY.chunk(number)


def generate(ctx: Context) -> None:
    global _STORY
    world: World = ctx.world
    ctx.step("学分银行：证书目录、专业课程与转换规则")
    catalogue = _catalogue(ctx, world)
    story = Story(ctx, world, catalogue)
    writer = ctx.writer
    total = story.learners
    tick = ctx.ticker("学分银行：学习者", total)
    links = Application.outcomes.through
    share_links = TranscriptShare.records.through
    chain = Chain()
    _STORY = story
    try:
        size = ctx.scale.chunk
        chunks = range((total + size - 1) // size)
        for out in ordered_map(_draw, chunks, ctx.workers):
            entries, shares = _chain(chain, out, world.office)
            writer.write(Learner, LEARNER_COLUMNS, out.learners, label="学习者")
            writer.write(Outcome, OUTCOME_COLUMNS, out.outcomes, label="学习成果")
            writer.write(Application, APPLICATION_COLUMNS, out.applications, label="学分认定申请")
            writer.write(links, ["id", "application", "outcome"], out.links, label="申请所附成果")
            writer.write(ApplicationEvent, EVENT_COLUMNS, out.events, label="申请记录")
            writer.write(LedgerEntry, ENTRY_COLUMNS, entries, label="账本记录")
            writer.write(CreditRecord, RECORD_COLUMNS, out.records, label="入账学分")
            writer.write(TranscriptShare, SHARE_COLUMNS, shares, label="成绩单分享")
            writer.write(
                share_links,
                ["id", "transcriptshare", "creditrecord"],
                out.share_links,
                label="分享的学分",
            )
            tick(len(out.learners))
    finally:
        _STORY = None
    writer.write(
        LedgerHead,
        ["id", "seq", "hash", "updated_at"],
        [(ledger.HEAD_PK, chain.seq, chain.head, local_at(ctx.today, 8))],
        label="账本头",
    )


def finish(ctx: Context) -> None:
    """Signs a checkpoint of the head (after the sequences are reset) and notes the figures."""
    checkpoint = ledger.checkpoint_create()
    ctx.notes.append(f"账本检查点：第 {checkpoint.seq} 号")
