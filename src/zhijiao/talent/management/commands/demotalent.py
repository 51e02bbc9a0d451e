"""`zhijiao demotalent`: enterprises across Jiangyin's clusters, three years of demand surveys,
about 20,000 generated job postings (classified on import) and every school's supply.

A few hundred fictitious enterprises (every name ends in “（演示）”) with valid generated
统一社会信用代码 (region 320281), their profiles, the surveys of 2023–2025 (closed) and an open
round for the current year, with demand lines typical of each cluster. A fixed seed makes two
runs alike; running it again adds nothing. The catalogues must be loaded first (make demo does).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from zhijiao.core import audit
from zhijiao.core.codes import credit_code_with_check
from zhijiao.orgs.models import Unit
from zhijiao.orgs.services import enterprise_register
from zhijiao.talent import demo, services
from zhijiao.talent.catalogue import current_edition
from zhijiao.talent.data import (
    CatalogueKind,
    Cluster,
    Education,
    EnterpriseSize,
    RoundStatus,
    SalaryBand,
    SkillLevel,
    SurveyStatus,
    Town,
    Urgency,
)
from zhijiao.talent.models import (
    DemandLine,
    DemandSurvey,
    EnterpriseProfile,
    Occupation,
    SurveyRound,
)

SEED = 20231
REGION = "320281"
CLOSED_YEARS = (2023, 2024, 2025)
OPEN_YEAR = 2026
# Enterprises the plan demo already created (its enterprise user belongs to the first).
PLAN_DEMO_ENTERPRISES: dict[str, tuple[str, str, str, int]] = {
    "澄江特钢股份有限公司（演示）": (Cluster.METALLURGY, "C3130", Town.CHENGJIANG, 8200),
    "长江新材料科技有限公司（演示）": (Cluster.PETROCHEMICALS, "C2651", Town.LIGANG, 1300),
}

# Per cluster: how many enterprises, name stems, GB/T 4754 小类, towns, and the demand profile:
# (occupation code, weight, skill levels, education, salary bands).
W, M, S, T = (
    SkillLevel.JUNIOR_WORKER,
    SkillLevel.INTERMEDIATE_WORKER,
    SkillLevel.SENIOR_WORKER,
    SkillLevel.TECHNICIAN,
)
CLUSTERS: dict[str, dict[str, Any]] = {
    Cluster.METALLURGY: {
        "count": 45,
        "stems": ["特钢", "钢管", "金属制品", "合金材料", "钢帘线", "精密锻造", "铸钢", "型钢"],
        "industries": ["C3120", "C3130", "C3140", "C3340", "C3391", "C3393", "C3360"],
        "towns": [Town.CHENGJIANG, Town.XIAGANG, Town.SHENGANG, Town.LIGANG, Town.YUNTING],
        "demand": [
            ("6-17-02-02", 5, [M, S, T], Education.SECONDARY),
            ("6-17-02-03", 4, [M, S], Education.SECONDARY),
            ("6-17-02-01", 2, [W, M], Education.SECONDARY),
            ("6-18-02-03", 4, [M, S, T], Education.SECONDARY),
            ("6-18-02-02", 3, [M, S], Education.SECONDARY),
            ("6-18-02-01", 2, [M, S], Education.SECONDARY),
            ("6-30-05-01", 4, [W, M], Education.SECONDARY),
            ("6-31-01-03", 4, [M, S, T], Education.COLLEGE),
            ("6-31-01-02", 3, [M, S, T], Education.COLLEGE),
            ("6-31-03-01", 2, [M, S], Education.COLLEGE),
            ("2-02-07-02", 1, [SkillLevel.INTERMEDIATE_TITLE], Education.BACHELOR),
        ],
    },
    Cluster.TEXTILES: {
        "count": 60,
        "stems": ["纺织", "服饰", "印染", "毛纺", "针织", "家纺", "化纤织造", "制衣"],
        "industries": ["C1711", "C1712", "C1713", "C1752", "C1763", "C1771", "C1810", "C1820"],
        "towns": [
            Town.XINQIAO,
            Town.HUASHI,
            Town.ZHOUZHUANG,
            Town.CHANGJING,
            Town.ZHUTANG,
            Town.GUSHAN,
        ],
        "demand": [
            ("6-05-01-03", 6, [W, M], Education.JUNIOR_HIGH),
            ("6-05-01-01", 2, [M, S], Education.SECONDARY),
            ("6-04-06-02", 3, [W, M, S], Education.SECONDARY),
            ("6-04-06-01", 2, [W, M], Education.SECONDARY),
            ("6-04-06-05", 2, [M, S], Education.SECONDARY),
            ("6-04-06-06", 1, [M, S], Education.SECONDARY),
            ("6-31-01-02", 2, [M, S], Education.SECONDARY),
            ("4-01-02-02", 2, [SkillLevel.ANY], Education.COLLEGE),
            ("4-02-06-01", 1, [SkillLevel.ANY], Education.SECONDARY),
        ],
    },
    Cluster.PETROCHEMICALS: {
        "count": 45,
        "stems": ["化工", "新材料", "石化", "高分子材料", "精细化学", "涂料", "树脂", "合成纤维"],
        "industries": ["C2511", "C2614", "C2651", "C2661", "C2662", "C2822", "C2826", "C2659"],
        "towns": [Town.LIGANG, Town.SHENGANG, Town.XIAGANG, Town.YUECHENG, Town.QINGYANG],
        "demand": [
            ("6-11-01-03", 6, [M, S, T], Education.COLLEGE),
            ("6-31-03-01", 3, [M, S], Education.COLLEGE),
            (
                "2-02-06-03",
                2,
                [SkillLevel.JUNIOR_TITLE, SkillLevel.INTERMEDIATE_TITLE],
                Education.BACHELOR,
            ),
            ("2-02-06-01", 1, [SkillLevel.INTERMEDIATE_TITLE], Education.BACHELOR),
            ("6-28-03-03", 2, [M, S], Education.SECONDARY),
            ("6-31-01-03", 2, [M, S], Education.COLLEGE),
            ("6-31-01-02", 2, [M, S], Education.SECONDARY),
            ("6-29-03-04", 1, [M, S], Education.SECONDARY),
            ("4-02-06-01", 1, [SkillLevel.ANY], Education.SECONDARY),
        ],
    },
    Cluster.EQUIPMENT: {
        "count": 60,
        "stems": ["重工", "机械", "船舶", "装备", "液压", "轴承", "齿轮", "精工", "海工装备"],
        "industries": [
            "C3411",
            "C3421",
            "C3441",
            "C3443",
            "C3451",
            "C3453",
            "C3516",
            "C3521",
            "C3731",
            "C3734",
            "C3737",
        ],
        "towns": [
            Town.CHENGDONG,
            Town.NANZHA,
            Town.YUECHENG,
            Town.QINGYANG,
            Town.XUXIAKE,
            Town.HUANGTU,
            Town.SHENGANG,
        ],
        "demand": [
            ("6-18-02-04", 6, [M, S, T], Education.SECONDARY),
            ("6-18-01-01", 4, [M, S, T], Education.SECONDARY),
            ("6-18-01-02", 3, [M, S], Education.SECONDARY),
            ("6-18-01-04", 2, [M, S], Education.SECONDARY),
            ("6-20-01-01", 4, [M, S, T], Education.SECONDARY),
            ("6-23-02-01", 3, [M, S], Education.SECONDARY),
            ("6-18-04-01", 2, [M, S], Education.SECONDARY),
            ("6-31-01-10", 2, [M, S], Education.COLLEGE),
            ("6-31-01-03", 3, [M, S, T], Education.COLLEGE),
            (
                "2-02-07-01",
                2,
                [SkillLevel.JUNIOR_TITLE, SkillLevel.INTERMEDIATE_TITLE],
                Education.BACHELOR,
            ),
            ("2-02-07-02", 2, [SkillLevel.INTERMEDIATE_TITLE], Education.BACHELOR),
        ],
    },
    Cluster.SEMICONDUCTORS: {
        "count": 25,
        "stems": ["微电子", "半导体", "封装测试", "电子材料", "芯片封测", "电子科技"],
        "industries": ["C3973", "C3972", "C3976", "C3982", "C3985", "I6520"],
        "towns": [Town.CHENGDONG, Town.CHENGJIANG, Town.NANZHA],
        "demand": [
            (
                "2-02-09-06",
                5,
                [SkillLevel.JUNIOR_TITLE, SkillLevel.INTERMEDIATE_TITLE, SkillLevel.ANY],
                Education.BACHELOR,
            ),
            ("6-25-01-13", 4, [W, M, S], Education.SECONDARY),
            ("6-31-01-03", 3, [M, S], Education.COLLEGE),
            ("6-31-01-02", 2, [M, S], Education.COLLEGE),
            ("6-31-03-01", 2, [M, S], Education.COLLEGE),
            ("2-02-10-13", 1, [SkillLevel.ANY], Education.BACHELOR),
            ("2-02-10-11", 1, [SkillLevel.ANY], Education.BACHELOR),
        ],
    },
    Cluster.NEW_ENERGY: {
        "count": 30,
        "stems": ["新能源", "光伏科技", "储能", "风电装备", "电池科技", "电力设备"],
        "industries": ["C3825", "C3841", "C3415", "C3811", "C3821", "D4415", "D4416"],
        "towns": [Town.CHENGDONG, Town.LIGANG, Town.XUXIAKE, Town.HUASHI, Town.YUNTING],
        "demand": [
            ("6-24-04-00", 5, [W, M, S], Education.SECONDARY),
            ("6-31-01-03", 4, [M, S, T], Education.COLLEGE),
            ("6-29-03-02", 2, [M, S], Education.SECONDARY),
            ("6-28-01-06", 2, [M, S], Education.COLLEGE),
            ("6-24-03-01", 2, [W, M], Education.SECONDARY),
            ("6-20-01-01", 2, [M, S], Education.SECONDARY),
            ("2-02-10-10", 1, [SkillLevel.ANY], Education.BACHELOR),
        ],
    },
    Cluster.LOGISTICS: {
        "count": 35,
        "stems": ["物流", "供应链", "港务", "国际货运", "仓储", "冷链物流"],
        "industries": ["G5431", "G5432", "G5532", "G5821", "G5920", "G5930", "G6020"],
        "towns": [Town.SHENGANG, Town.XIAGANG, Town.LIGANG, Town.CHENGJIANG, Town.HUANGTU],
        "demand": [
            ("4-02-06-01", 5, [SkillLevel.ANY, M], Education.SECONDARY),
            ("4-02-06-02", 4, [SkillLevel.ANY, W], Education.SECONDARY),
            ("4-02-05-01", 4, [SkillLevel.ANY], Education.JUNIOR_HIGH),
            ("4-02-02-02", 4, [SkillLevel.ANY], Education.SECONDARY),
            ("4-02-02-04", 2, [SkillLevel.ANY], Education.COLLEGE),
            ("6-30-05-01", 3, [W, M], Education.SECONDARY),
            ("4-02-07-09", 2, [SkillLevel.ANY], Education.SECONDARY),
            ("4-02-07-08", 2, [SkillLevel.ANY], Education.JUNIOR_HIGH),
        ],
    },
}
PREFIXES = [
    "澄江",
    "申港",
    "江海",
    "锦华",
    "恒润",
    "宏达",
    "新澄",
    "华澄",
    "澄锦",
    "暨阳",
    "延陵",
    "君山",
    "璜塘",
    "利城",
    "芙蓉",
    "鹅鼻",
    "黄山湖",
    "敔山",
    "定山",
    "秦望",
    "长江",
    "澄南",
    "东盛",
    "瑞丰",
]
SALARY_BY_SKILL: dict[str, list[SalaryBand]] = {
    SkillLevel.ANY: [SalaryBand.FROM_4K, SalaryBand.FROM_6K],
    SkillLevel.APPRENTICE: [SalaryBand.UNDER_4K, SalaryBand.FROM_4K],
    W: [SalaryBand.FROM_4K, SalaryBand.FROM_6K],
    M: [SalaryBand.FROM_6K, SalaryBand.FROM_8K],
    S: [SalaryBand.FROM_8K, SalaryBand.FROM_10K],
    T: [SalaryBand.FROM_10K, SalaryBand.FROM_15K],
    SkillLevel.JUNIOR_TITLE: [SalaryBand.FROM_6K, SalaryBand.FROM_8K],
    SkillLevel.INTERMEDIATE_TITLE: [SalaryBand.FROM_8K, SalaryBand.FROM_10K, SalaryBand.FROM_15K],
}
EXPERIENCE_BY_SKILL: dict[str, int] = {W: 0, M: 2, S: 5, T: 8, SkillLevel.INTERMEDIATE_TITLE: 5}
# Demand grows year on year in the clusters the city is building up.
GROWTH: dict[str, float] = {
    Cluster.SEMICONDUCTORS: 1.25,
    Cluster.NEW_ENERGY: 1.3,
    Cluster.EQUIPMENT: 1.08,
    Cluster.LOGISTICS: 1.05,
    Cluster.PETROCHEMICALS: 1.03,
    Cluster.METALLURGY: 0.97,
    Cluster.TEXTILES: 0.92,
}


SIZE_FACTOR: dict[str, float] = {
    EnterpriseSize.LARGE: 4.0,
    EnterpriseSize.MEDIUM: 2.0,
    EnterpriseSize.SMALL: 1.0,
    EnterpriseSize.MICRO: 0.5,
}


def org_code(rng: random.Random) -> str:
    """A 9-character 组织机构代码 (GB 11714) with its own check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(ch) * w for ch, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


class Command(BaseCommand):
    help = "载入产业人才演示数据：数百家企业、2023—2025 年岗位需求调查（均为虚构）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--postings", type=int, default=20_000, help="生成的招聘信息条数（默认 20000）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if (
            current_edition(CatalogueKind.OCCUPATIONS) is None
            or current_edition(CatalogueKind.INDUSTRIES) is None
        ):
            raise CommandError(
                gettext(
                    "请先载入职业分类大典和国民经济行业分类（zhijiao loadcatalogue …，见 data/talent/README.md）"
                )
            )
        self.rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret
        self.occupations = {
            o.code: o
            for o in Occupation.objects.filter(
                edition=current_edition(CatalogueKind.OCCUPATIONS), level=4
            )
        }
        missing = {
            code
            for spec in CLUSTERS.values()
            for code, *_ in spec["demand"]
            if code not in self.occupations
        }
        if missing:
            raise CommandError(
                gettext("现行职业分类大典中缺少演示用到的职业：{codes}").format(
                    codes="、".join(sorted(missing))
                )
            )
        with transaction.atomic():
            enterprises = self._enterprises()
            surveys, lines = self._surveys(enterprises)
        companies: dict[str, list[str]] = {}
        for unit, cluster in enterprises:
            companies.setdefault(cluster, []).append(unit.name)
        posted = demo.load_postings(
            clusters=CLUSTERS, companies=companies, seed=SEED, total=options["postings"]
        )
        supplied = demo.load_supply(years=CLOSED_YEARS, seed=SEED)
        self.stdout.write(
            gettext(
                "产业人才演示数据：企业 {enterprises} 家，新增填报 {surveys} 份、岗位需求 {lines} 条，"
                "招聘信息 {postings} 条，毕业生供给 {supply} 条。"
            ).format(
                enterprises=len(enterprises),
                surveys=surveys,
                lines=lines,
                postings=posted,
                supply=supplied,
            )
        )

    # ---------------------------------------------------------------- enterprises

    def _enterprises(self) -> list[tuple[Unit, str]]:
        result: list[tuple[Unit, str]] = []
        for name, (cluster, industry, town, staff) in PLAN_DEMO_ENTERPRISES.items():
            unit, _ = enterprise_register(name=name, credit_code=self._code(name))
            self._profile(unit, industry, EnterpriseSize.LARGE, cluster, town, staff)
            result.append((unit, cluster))
        for cluster, spec in CLUSTERS.items():
            for index in range(spec["count"]):
                # Stems differ between clusters and each (prefix, stem) pair is used once.
                stems = spec["stems"]
                stem = stems[index % len(stems)]
                prefix = PREFIXES[(index // len(stems) * 5 + index) % len(PREFIXES)]
                name = f"江阴{prefix}{stem}有限公司（演示）"
                unit, _ = enterprise_register(name=name, credit_code=self._code(name))
                size = self.rng.choices(
                    [
                        EnterpriseSize.LARGE,
                        EnterpriseSize.MEDIUM,
                        EnterpriseSize.SMALL,
                        EnterpriseSize.MICRO,
                    ],
                    weights=[1, 3, 5, 1],
                )[0]
                staff = {
                    EnterpriseSize.LARGE: self.rng.randint(1000, 6000),
                    EnterpriseSize.MEDIUM: self.rng.randint(300, 999),
                    EnterpriseSize.SMALL: self.rng.randint(20, 299),
                    EnterpriseSize.MICRO: self.rng.randint(5, 19),
                }[size]
                self._profile(
                    unit,
                    self.rng.choice(spec["industries"]),
                    size,
                    cluster,
                    self.rng.choice(spec["towns"]),
                    staff,
                )
                result.append((unit, cluster))
        return result

    def _code(self, name: str) -> str:
        """The enterprise's code: the one already registered, else the next from the seed (drawn
        either way, so that a second run draws the same sequence)."""
        drawn = credit_code_with_check(f"91{REGION}{org_code(self.rng)}")
        existing = Unit.objects.filter(name=name).values_list("credit_code", flat=True).first()
        return existing or drawn

    def _profile(
        self, unit: Unit, industry: str, size: str, cluster: str, town: str, staff: int
    ) -> None:
        if EnterpriseProfile.objects.filter(unit=unit).exists():
            return
        services.profile_save(
            user=None,
            enterprise=unit,
            data=services.ProfileData(
                industry_code=industry,
                size=size,
                cluster=cluster,
                town=town,
                staff_count=staff,
                address=f"江阴市{Town(town).label}",
            ),
        )

    # ---------------------------------------------------------------- surveys

    def _round(self, year: int) -> SurveyRound:
        survey_round = SurveyRound.objects.filter(year=year).first()
        if survey_round is None:
            survey_round = services.round_create(
                user=None,
                data=services.RoundData(
                    year=year,
                    opens_on=dt.date(year, 3, 1),
                    closes_on=dt.date(year, 12, 31) if year == OPEN_YEAR else dt.date(year, 4, 30),
                    note="请如实填写本企业未来一年的新增和补充用工需求，按职业、技能等级分别填报。",
                ),
            )
            status = RoundStatus.OPEN if year == OPEN_YEAR else RoundStatus.CLOSED
            services.round_set_status(user=None, survey_round=survey_round, status=status)
        return survey_round

    def _surveys(self, enterprises: list[tuple[Unit, str]]) -> tuple[int, int]:
        made_surveys = made_lines = 0
        self.sizes = dict(EnterpriseProfile.objects.values_list("unit_id", "size"))
        for year in (*CLOSED_YEARS, OPEN_YEAR):
            survey_round = self._round(year)
            rng = random.Random(SEED * 10_000 + year)  # noqa: S311 - reproducible demo data
            if survey_round.surveys.exists():
                continue
            surveys: list[DemandSurvey] = []
            pending: list[tuple[DemandSurvey, str, int]] = []
            for position, (unit, cluster) in enumerate(enterprises):
                answer = 0.85 if year != OPEN_YEAR else 0.35
                if position > 1 and rng.random() > answer:
                    continue
                status = self._status(rng, year, position)
                submitted = None
                if status != SurveyStatus.DRAFT:
                    submitted = timezone.make_aware(
                        dt.datetime(year, rng.randint(3, 4), rng.randint(1, 28), rng.randint(8, 17))  # noqa: DTZ001 - made aware here
                    )
                survey = DemandSurvey(
                    enterprise=unit,
                    round=survey_round,
                    status=status,
                    submitted_at=submitted,
                    created_at=submitted or timezone.now(),
                    updated_at=submitted or timezone.now(),
                    reviewed_at=submitted + dt.timedelta(days=5)
                    if submitted and status in (SurveyStatus.ACCEPTED, SurveyStatus.RETURNED)
                    else None,
                    review_comment="岗位人数与企业规模明显不符，请核实后重新报送"
                    if status == SurveyStatus.RETURNED
                    else "",
                )
                surveys.append(survey)
                pending.append((survey, cluster, year))
            DemandSurvey.objects.bulk_create(surveys, batch_size=500)
            audit.record_bulk_create(
                surveys, ["enterprise", "round", "status"], message="演示数据：岗位需求填报"
            )
            lines: list[DemandLine] = []
            for survey, cluster, the_year in pending:
                lines.extend(self._lines(rng, survey, cluster, the_year))
            DemandLine.objects.bulk_create(lines, batch_size=1000)
            audit.record_bulk_create(
                lines,
                ["survey", "occupation", "headcount", "skill_level"],
                message="演示数据：岗位需求",
            )
            made_surveys += len(surveys)
            made_lines += len(lines)
        return made_surveys, made_lines

    def _status(self, rng: random.Random, year: int, position: int) -> str:
        if year == OPEN_YEAR:
            if position == 0:
                return SurveyStatus.DRAFT  # the demo enterprise user's own, to be completed
            return rng.choices(
                [SurveyStatus.SUBMITTED, SurveyStatus.DRAFT, SurveyStatus.ACCEPTED],
                weights=[5, 3, 2],
            )[0]
        if year == CLOSED_YEARS[-1]:
            return rng.choices(
                [
                    SurveyStatus.ACCEPTED,
                    SurveyStatus.SUBMITTED,
                    SurveyStatus.RETURNED,
                    SurveyStatus.DRAFT,
                ],
                weights=[80, 12, 4, 4],
            )[0]
        return rng.choices([SurveyStatus.ACCEPTED, SurveyStatus.SUBMITTED], weights=[92, 8])[0]

    def _lines(
        self, rng: random.Random, survey: DemandSurvey, cluster: str, year: int
    ) -> list[DemandLine]:
        demand = CLUSTERS[cluster]["demand"]
        size_factor = SIZE_FACTOR[self.sizes[survey.enterprise_id]]
        growth = GROWTH[cluster] ** (year - CLOSED_YEARS[0])
        count = min(len(demand), rng.randint(2, 6))
        chosen: list[tuple[str, int, list[str], str]] = []
        pool = list(demand)
        while len(chosen) < count and pool:
            pick = rng.choices(pool, weights=[d[1] for d in pool])[0]
            pool.remove(pick)
            chosen.append(pick)
        lines = []
        for position, (code, weight, levels, education) in enumerate(chosen, start=1):
            level = rng.choice(levels)
            headcount = max(1, round(rng.randint(1, 6) * weight / 2 * size_factor * growth))
            lines.append(
                DemandLine(
                    survey=survey,
                    position=position,
                    occupation=self.occupations[code],
                    headcount=headcount,
                    education=education,
                    skill_level=level,
                    experience_years=EXPERIENCE_BY_SKILL.get(level, 0),
                    salary_band=rng.choice(SALARY_BY_SKILL.get(level, [SalaryBand.NEGOTIABLE])),
                    urgency=rng.choices(
                        [Urgency.NORMAL, Urgency.SOON, Urgency.URGENT], weights=[6, 3, 1]
                    )[0],
                )
            )
        return lines
