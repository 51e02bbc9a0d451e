"""The talent data platform at volume: the catalogues (loaded from ``data/talent`` when the
database has none), every enterprise's profile, the yearly demand surveys since 2023 with their
lines, a year of job postings as a posting site publishes them — already classified, as an import
would leave them — and the schools' supply of graduates by major and year.

Demand follows each cluster's profile of :mod:`zhijiao.talent.management.commands.demotalent`;
postings reuse the wording of :mod:`zhijiao.talent.demo` (titles in the forms employers use,
descriptions with duties, education, skills and certificates)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from typing import Any

from django.core.management import call_command

from zhijiao.talent import demo
from zhijiao.talent.catalogue import current_edition
from zhijiao.talent.classify import DATA_DIR, shipped_aliases
from zhijiao.talent.data import (
    CatalogueKind,
    ClassifyMethod,
    Cluster,
    Education,
    RoundStatus,
    SalaryBand,
    SkillLevel,
    SurveyStatus,
    Town,
    Urgency,
)
from zhijiao.talent.management.commands.demotalent import (
    CLUSTERS,
    EXPERIENCE_BY_SKILL,
    GROWTH,
    SALARY_BY_SKILL,
    SIZE_FACTOR,
)
from zhijiao.talent.models import (
    DemandLine,
    DemandSurvey,
    EnterpriseProfile,
    Industry,
    Major,
    Occupation,
    Posting,
    PostingBatch,
    SupplyRecord,
    SurveyRound,
)
from zhijiao.talent.postings import fingerprint

from .base import Context, cumulative, local_at, ordered_map, rng_for, weighted_index
from .orgs import World

CATALOGUES = [
    (CatalogueKind.OCCUPATIONS, "occupations-2022.csv", "2022"),
    (CatalogueKind.MAJORS, "majors-2021.csv", "2021"),
    (CatalogueKind.INDUSTRIES, "industries-2017.csv", "2017"),
    (CatalogueKind.MAPPING, "mapping-2021.csv", "2021"),
]
FIRST_SURVEY_YEAR = 2023
SOURCE = "江苏人才网（生成数据）"
# The demand of enterprises outside the named clusters: logistics and equipment jobs.
OTHER_DEMAND = CLUSTERS[Cluster.LOGISTICS]["demand"][:4] + CLUSTERS[Cluster.EQUIPMENT]["demand"][:3]
GROWTH_OTHER = 1.0
ANSWER_RATE = {"large": 0.97, "medium": 0.92, "small": 0.7, "micro": 0.3}
# Skills as the postings state them, with the name the classifier's dictionary gives them.
SKILLS: dict[str, list[tuple[str, str]]] = {
    Cluster.METALLURGY: [
        ("熟悉转炉、精炼工艺", "炼钢工艺"),
        ("了解热处理、淬火工艺", "热处理工艺"),
        ("会设备点检和故障排除", "设备维护"),
        ("熟悉安全生产规程", "安全生产"),
    ],
    Cluster.TEXTILES: [
        ("熟练平缝、包缝", "缝制工艺"),
        ("熟悉染色、配色工艺", "印染工艺"),
        ("会CAD制版、放码", "服装制版"),
        ("熟悉质检流程", "质量检验"),
    ],
    Cluster.PETROCHEMICALS: [
        ("熟悉DCS操作", "DCS操作"),
        ("熟悉化工工艺流程和工艺参数", "化工工艺"),
        ("会气相色谱、滴定分析", "仪器分析"),
        ("了解HSE管理", "安全生产"),
    ],
    Cluster.EQUIPMENT: [
        ("能看懂图纸", "机械制图"),
        ("会数控编程（FANUC系统）", "数控编程"),
        ("熟练二保焊、氩弧焊", "焊接"),
        ("熟悉液压、气动", "液压气动"),
    ],
    Cluster.SEMICONDUCTORS: [
        ("熟悉封装、测试工艺", "封装测试"),
        ("会SMT贴片设备操作", "封装测试"),
        ("熟悉IPQC质检", "质量检验"),
        ("会使用Excel", "办公软件"),
    ],
    Cluster.NEW_ENERGY: [
        ("熟悉电芯卷绕、叠片、化成", "电池工艺"),
        ("了解涂布、分容", "电池工艺"),
        ("会电气控制和PLC", "PLC编程"),
        ("熟悉设备保养", "设备维护"),
    ],
    Cluster.LOGISTICS: [
        ("熟悉出入库、盘点", "物流作业"),
        ("会使用WMS系统", "WMS"),
        ("熟练分拣、拣货", "物流作业"),
        ("会使用ERP", "ERP"),
    ],
}
SKILLS[Cluster.OTHER] = SKILLS[Cluster.LOGISTICS][:2] + SKILLS[Cluster.EQUIPMENT][:2]
CERTIFICATE_NAMES = {
    "6-18-02-04": "焊工证",
    "6-31-01-03": "电工证",
    "6-28-01-06": "电工证",
    "6-30-05-01": "叉车证",
    "4-02-02-02": "驾驶证B2",
    "6-11-01-03": "危化品作业证",
    "6-28-01-01": "锅炉作业证",
    "6-31-03-01": "化学检验员证",
}
EDUCATION_OF_TEXT = {
    "学历不限": Education.ANY,
    "初中及以上学历": Education.JUNIOR_HIGH,
    "高中或中专及以上学历": Education.SECONDARY,
    "中专、技校及以上": Education.SECONDARY,
    "大专及以上学历": Education.COLLEGE,
    "本科及以上学历": Education.BACHELOR,
}
LEVEL_OF_TEXT = {
    "中级工及以上": SkillLevel.INTERMEDIATE_WORKER,
    "高级工优先": SkillLevel.SENIOR_WORKER,
    "技师优先": SkillLevel.TECHNICIAN,
}
CHUNK = 20_000


def _catalogues(ctx: Context) -> None:
    for kind, filename, edition in CATALOGUES:
        if current_edition(kind) is None:
            out = io.StringIO()
            call_command(
                "loadcatalogue", str(kind), str(DATA_DIR / filename), edition=edition, stdout=out
            )
            ctx.step(f"产业人才：载入目录 {filename}：{out.getvalue().strip().splitlines()[-1]}")


def _demand(cluster: str) -> list[Any]:
    return CLUSTERS[cluster]["demand"] if cluster in CLUSTERS else OTHER_DEMAND


def generate(ctx: Context) -> None:
    world: World = ctx.world
    ctx.step("产业人才：目录、企业信息、岗位需求调查、招聘信息、毕业生供给")
    _catalogues(ctx)
    occupations = dict(
        Occupation.objects.filter(
            edition=current_edition(CatalogueKind.OCCUPATIONS), level=4
        ).values_list("code", "pk")
    )
    missing = sorted(
        {
            code
            for c in [*CLUSTERS, Cluster.OTHER]
            for code, *_ in _demand(c)
            if code not in occupations
        }
    )
    if missing:
        raise RuntimeError(f"现行职业分类大典中缺少生成数据用到的职业：{'、'.join(missing)}")
    industries = set(
        Industry.objects.filter(edition=current_edition(CatalogueKind.INDUSTRIES)).values_list(
            "code", flat=True
        )
    )
    _profiles(ctx, world, industries)
    _surveys(ctx, world, occupations)
    _postings(ctx, world, occupations)
    _supply(ctx, world)


def _profiles(ctx: Context, world: World, industries: set[str]) -> None:
    rows = []
    updated = local_at(dt.date(2023, 2, 20), 10)
    for e in world.enterprises:
        industry = (
            e.industry if e.industry in industries or not industries else sorted(industries)[0]
        )
        town = Town(e.town).label
        rows.append(
            (
                e.id,
                industry,
                e.size,
                e.cluster,
                e.town,
                f"江阴市{town}" if e.city == 0 else "",
                e.staff,
                updated,
            )
        )
    ctx.writer.write(
        EnterpriseProfile,
        [
            "unit",
            "industry_code",
            "size",
            "cluster",
            "town",
            "address",
            "staff_count",
            "updated_at",
        ],
        rows,
        label="企业信息",
    )


def _surveys(ctx: Context, world: World, occupations: dict[str, int]) -> None:
    today = ctx.today
    writer = ctx.writer
    years = list(range(FIRST_SURVEY_YEAR, today.year + 1))
    rounds = []
    for pk, year in enumerate(years, start=1):
        round_status = RoundStatus.OPEN if year == today.year else RoundStatus.CLOSED
        closes = dt.date(year, 12, 31) if year == today.year else dt.date(year, 4, 30)
        rounds.append(
            (
                pk,
                year,
                dt.date(year, 3, 1).isoformat(),
                closes.isoformat(),
                str(round_status),
                "请如实填写本企业未来一年的新增和补充用工需求，按职业、技能等级分别填报。",
                local_at(dt.date(year, 2, 20), 10),
            )
        )
    writer.write(
        SurveyRound,
        ["id", "year", "opens_on", "closes_on", "status", "note", "created_at"],
        rounds,
        label="需求调查轮次",
    )
    survey_columns = [
        "id",
        "enterprise",
        "round",
        "status",
        "note",
        "created_at",
        "updated_at",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    ]
    line_columns = [
        "id",
        "survey",
        "position",
        "occupation",
        "headcount",
        "education",
        "skill_level",
        "experience_years",
        "salary_band",
        "urgency",
        "note",
    ]
    survey_id = line_id = 1
    urgencies = [str(Urgency.NORMAL), str(Urgency.SOON), str(Urgency.URGENT)]
    urgency_cdf = cumulative([6, 3, 1])
    for round_id, year in enumerate(years, start=1):
        rng = ctx.rng(f"talent:survey:{year}")
        is_open = year == today.year
        surveys: list[tuple[Any, ...]] = []
        lines: list[tuple[Any, ...]] = []
        for e in world.enterprises:
            if rng.random() > ANSWER_RATE[e.size] * (0.4 if is_open else 1.0):
                continue
            if is_open:
                status = rng.choices(["submitted", "draft", "accepted"], weights=[5, 3, 2])[0]
            elif year == today.year - 1:
                status = rng.choices(
                    ["accepted", "submitted", "returned", "draft"], weights=[80, 12, 4, 4]
                )[0]
            else:
                status = rng.choices(["accepted", "submitted"], weights=[92, 8])[0]
            last = min(dt.date(year, 4, 28), today - dt.timedelta(days=1))
            day = dt.date(year, 3, 1) + dt.timedelta(
                days=rng.randrange(0, max(1, (last - dt.date(year, 3, 1)).days))
            )
            submitted = local_at(day, rng.randint(8, 17)) if status != SurveyStatus.DRAFT else None
            reviewed = (
                local_at(day + dt.timedelta(days=5), 10)
                if status in (SurveyStatus.ACCEPTED, SurveyStatus.RETURNED)
                else None
            )
            created = local_at(day, 8)
            surveys.append(
                (
                    survey_id,
                    e.id,
                    round_id,
                    status,
                    "",
                    created,
                    submitted or created,
                    submitted,
                    e.user if submitted else None,
                    reviewed,
                    world.office if reviewed else None,
                    "岗位人数与企业规模明显不符，请核实后重新报送"
                    if status == SurveyStatus.RETURNED
                    else "",
                )
            )
            demand = _demand(e.cluster)
            size_factor = SIZE_FACTOR[e.size]
            growth = GROWTH.get(e.cluster, GROWTH_OTHER) ** (year - FIRST_SURVEY_YEAR)
            pool = list(demand)
            count = min(len(pool), rng.randint(2, 6))
            for position in range(1, count + 1):
                pick = rng.choices(pool, weights=[d[1] for d in pool])[0]
                pool.remove(pick)
                code, weight, levels, education = pick
                level = rng.choice(levels)
                lines.append(
                    (
                        line_id,
                        survey_id,
                        position,
                        occupations[code],
                        max(1, round(rng.randint(1, 6) * weight / 2 * size_factor * growth)),
                        str(education),
                        str(level),
                        EXPERIENCE_BY_SKILL.get(level, 0),
                        str(rng.choice(SALARY_BY_SKILL.get(level, [SalaryBand.NEGOTIABLE]))),
                        urgencies[weighted_index(urgency_cdf, rng.random())],
                        "",
                    )
                )
                line_id += 1
            survey_id += 1
        writer.write(DemandSurvey, survey_columns, surveys, label="企业岗位需求填报")
        writer.write(DemandLine, line_columns, lines, label="岗位需求")
        ctx.step(f"产业人才：{year} 年岗位需求调查 {len(surveys):,} 份、需求 {len(lines):,} 条")


def _postings(ctx: Context, world: World, occupations: dict[str, int]) -> None:
    """A year (the last complete one) of postings, published month by month."""
    scale = ctx.scale
    writer = ctx.writer
    year = ctx.today.year - 1
    total = scale.count(scale.postings)
    names = dict(Occupation.objects.filter(pk__in=occupations.values()).values_list("code", "name"))
    titles: dict[str, list[str]] = {code: [name] for code, name in names.items()}
    for alias, code in sorted(shipped_aliases().items()):
        titles.setdefault(code, []).append(alias)
    batches = []
    per_month = Counter((n * 12) // total + 1 for n in range(total))
    for month in range(1, 13):
        batches.append(
            (
                month,
                SOURCE,
                f"postings-{year}-{month:02d}.json",
                per_month[month],
                0,
                local_at(dt.date(year, month, 28), 18),
                world.office,
            )
        )
    writer.write(
        PostingBatch,
        ["id", "source", "filename", "imported", "duplicates", "created_at", "created_by"],
        batches,
        label="招聘信息导入批次",
    )
    columns = [
        "id",
        "batch",
        "source",
        "external_id",
        "title",
        "text",
        "company",
        "cluster",
        "year",
        "posted_on",
        "headcount",
        "fingerprint",
        "occupation",
        "confidence",
        "method",
        "skills",
        "certificates",
        "education",
        "skill_level",
        "reviewed_at",
        "reviewed_by",
        "created_at",
    ]
    global _DRAW
    _DRAW = PostingDraw(ctx.seed, year, total, world, titles, occupations)
    tick = ctx.ticker("招聘信息", total)
    try:
        for rows in ordered_map(_draw_postings, range((total + CHUNK - 1) // CHUNK), ctx.workers):
            writer.write(Posting, columns, rows, label="招聘信息")
            tick(len(rows))
    finally:
        _DRAW = None


class PostingDraw:
    """Draws the postings chunk by chunk (each chunk from a generator of its own, so that
    processes can share the work and still give the same rows)."""

    def __init__(
        self,
        seed: int,
        year: int,
        total: int,
        world: World,
        titles: dict[str, list[str]],
        occupations: dict[str, int],
    ) -> None:
        self.seed, self.year, self.total = seed, year, total
        self.world = world
        self.posters = world.enterprises
        # Enterprises post in proportion to their size, within their cluster's demand.
        self.poster_cdf = cumulative([SIZE_FACTOR[e.size] for e in self.posters])
        self.titles = titles
        self.occupations = occupations
        self.demand: dict[str, tuple[list[str], list[float]]] = {}
        for cluster in sorted({e.cluster for e in self.posters}):
            demand = _demand(cluster)
            self.demand[cluster] = ([d[0] for d in demand], cumulative([d[1] for d in demand]))

    def chunk(self, part: int) -> list[tuple[Any, ...]]:
        rng = rng_for(self.seed, f"talent:postings:{part}")
        world, year, total = self.world, self.year, self.total
        posters, poster_cdf, titles = self.posters, self.poster_cdf, self.titles
        occupations, demand_cache = self.occupations, self.demand
        rows: list[tuple[Any, ...]] = []
        for number in range(part * CHUNK + 1, min((part + 1) * CHUNK, total) + 1):
            month = (number - 1) * 12 // total + 1
            e = posters[weighted_index(poster_cdf, rng.random())]
            codes, cdf = demand_cache[e.cluster]
            code = codes[weighted_index(cdf, rng.random())]
            generic = rng.random() < 0.1
            if generic:
                title = rng.choice(demo.GENERIC_TITLES)
                duty = f"从事{rng.choice(titles[code])}工作"
            else:
                title = rng.choice(titles[code]) + rng.choice(demo.TITLE_DECORATIONS)
                duty = "负责车间生产任务"
            chosen = rng.sample(SKILLS[e.cluster], k=rng.randint(1, 2))
            education_text = rng.choice(
                demo.EDUCATION_TEXT[1:5] if code[0] in "46" else demo.EDUCATION_TEXT[4:]
            )
            certificate = demo.CERTIFICATES.get(code, "")
            level_text = (
                rng.choice(["", "", "中级工及以上", "高级工优先", "技师优先"])
                if code[0] == "6"
                else ""
            )
            experience = rng.choice(
                ["经验不限，可接受应届毕业生", "1年以上相关经验", "3年以上相关经验"]
            )
            text = (
                "；".join(
                    part
                    for part in (
                        f"岗位职责：{duty}，按工艺要求完成生产和交付",
                        f"任职要求：{education_text}，{experience}",
                        "，".join(s for s, _ in chosen),
                        certificate,
                        level_text,
                        f"工作地点：{'江阴市' if e.city == 0 else world.cities[e.city].name + '市'}"
                        f"（第{number}号岗位）",
                    )
                    if part
                )
                + "。"
            )
            # How the classifier would have placed it: most by a title alias, some by the text or
            # by similarity (less sure), a few not at all.
            r = rng.random()
            if generic and r < 0.5 or r < 0.04:
                method, occupation, confidence = ClassifyMethod.NONE, None, 0.0
            elif generic:
                method, occupation, confidence = ClassifyMethod.ALIAS_TEXT, occupations[code], 0.8
            elif r < 0.12:
                method, occupation = ClassifyMethod.SIMILARITY, occupations[code]
                confidence = round(rng.uniform(0.55, 0.85), 2)
            else:
                method, occupation, confidence = ClassifyMethod.ALIAS_TITLE, occupations[code], 0.95
            day = dt.date(year, month, rng.randint(1, 28))
            certificates = [CERTIFICATE_NAMES[code]] if code in CERTIFICATE_NAMES else []
            rows.append(
                (
                    number,
                    month,
                    SOURCE,
                    f"GEN-{year}-{number:08d}",
                    title,
                    text,
                    e.name,
                    e.cluster,
                    year,
                    day.isoformat(),
                    rng.choice((1, 1, 2, 3, 5, 10)),
                    fingerprint(e.name, title, text),
                    occupation,
                    confidence,
                    str(method),
                    json.dumps(sorted({c for _s, c in chosen}), ensure_ascii=False),
                    json.dumps(certificates, ensure_ascii=False),
                    str(EDUCATION_OF_TEXT.get(education_text, Education.ANY)),
                    str(LEVEL_OF_TEXT.get(level_text, SkillLevel.ANY)),
                    None,
                    None,
                    local_at(dt.date(year, month, 28), 18),
                )
            )
        return rows


_DRAW: PostingDraw | None = None


def _draw_postings(number: int) -> list[tuple[Any, ...]]:
    assert _DRAW is not None
    return _DRAW.chunk(number)


def _supply(ctx: Context, world: World) -> None:
    """Enrolment, graduates and destinations of every school's majors since 2023: enrolment
    counts the generated students of that major and year; graduates the cohort three years
    before, less some who left."""
    rng = ctx.rng("talent:supply")
    scale = ctx.scale
    today = ctx.today
    majors = dict(
        Major.objects.filter(edition=current_edition(CatalogueKind.MAJORS), level=3).values_list(
            "code", "pk"
        )
    )
    cohorts: Counter[tuple[int, str, int]] = Counter()
    for index in range(scale.count(scale.students)):
        _person, school, (code, _name), enrolled = world.student(index)
        cohorts[(school.id, code, enrolled)] += 1
    rows = []
    pk = 1
    updated = local_at(dt.date(today.year, 1, 15), 10)
    for school in world.schools:
        for code, _name in school.majors:
            if code not in majors:
                continue
            known = [cohorts[(school.id, code, y)] for y in range(today.year - 3, today.year + 1)]
            typical = max(1, round(sum(known) / max(1, sum(1 for k in known if k))))
            for year in range(FIRST_SURVEY_YEAR, today.year):
                enrolled = cohorts.get((school.id, code, year)) or round(
                    typical * rng.uniform(0.9, 1.1)
                )
                graduates = max(0, round(typical * rng.uniform(0.85, 0.97)))
                further_share = 0.45 if school.kind in ("secondary", "technical") else 0.18
                further = round(graduates * rng.uniform(further_share * 0.8, further_share * 1.2))
                local = round((graduates - further) * rng.uniform(0.6, 0.85))
                rows.append(
                    (
                        pk,
                        school.id,
                        majors[code],
                        year,
                        enrolled,
                        graduates,
                        local,
                        further,
                        graduates - further - local,
                        updated,
                    )
                )
                pk += 1
    ctx.writer.write(
        SupplyRecord,
        [
            "id",
            "school",
            "major",
            "year",
            "enrolled",
            "graduates",
            "local_employed",
            "further_study",
            "other",
            "updated_at",
        ],
        rows,
        label="毕业生供给",
    )
