"""Demo data beyond the surveys (used by ``zhijiao demotalent``): generated job postings and the
schools' supply. Seeded: two runs make the same data; a second run adds nothing.

Postings are written as a posting site would publish them — titles in the many forms employers
use ("数控车工（急招）", "CNC操机", "普工"), descriptions with duties, education, skills and
certificates — and then imported through the same service as a file, so they are de-duplicated
and classified by the classifier, not labelled by the generator.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import transaction

from zhijiao.orgs.models import Unit, UnitKind

from . import postings, supply
from .catalogue import current_edition
from .classify import Classifier, build_classifier, shipped_aliases
from .data import CatalogueKind, Cluster, MajorStage
from .models import Major, MajorOccupation, Posting, SupplyRecord

SOURCE = "江阴人才网（演示）"
TITLE_DECORATIONS = [
    "",
    "",
    "",
    "（急招）",
    "（包吃住）",
    "【高薪】",
    "（长白班）",
    "（五险一金）",
    "-两班倒",
]
GENERIC_TITLES = ["普工", "操作工", "技术员", "储备干部", "生产员工", "技术工人"]
EDUCATION_TEXT = [
    "学历不限",
    "初中及以上学历",
    "高中或中专及以上学历",
    "中专、技校及以上",
    "大专及以上学历",
    "本科及以上学历",
]
CLUSTER_SKILLS: dict[str, list[str]] = {
    Cluster.METALLURGY: [
        "熟悉转炉、精炼工艺",
        "了解热处理、淬火工艺",
        "会设备点检和故障排除",
        "熟悉安全生产规程",
    ],
    Cluster.TEXTILES: [
        "熟练平缝、包缝",
        "熟悉染色、配色工艺",
        "会CAD制版、放码",
        "了解定型、后整理",
    ],
    Cluster.PETROCHEMICALS: [
        "熟悉DCS操作",
        "熟悉化工工艺流程和工艺参数",
        "会气相色谱、滴定分析",
        "了解HSE管理",
    ],
    Cluster.EQUIPMENT: [
        "能看懂图纸",
        "会数控编程（FANUC系统）",
        "熟练二保焊、氩弧焊",
        "熟悉液压、气动",
    ],
    Cluster.SEMICONDUCTORS: [
        "熟悉封装、测试工艺",
        "了解键合、塑封、划片",
        "会SMT贴片设备操作",
        "熟悉IPQC质检",
    ],
    Cluster.NEW_ENERGY: [
        "熟悉电芯卷绕、叠片、化成",
        "了解涂布、分容",
        "会电气控制和PLC",
        "熟悉设备保养",
    ],
    Cluster.LOGISTICS: ["熟悉出入库、盘点", "会使用WMS系统", "熟练分拣、拣货", "会使用ERP"],
}
CERTIFICATES: dict[str, str] = {
    "6-18-02-04": "持焊工证（熔化焊接与热切割作业证）",
    "6-31-01-03": "持低压电工证",
    "6-28-01-06": "持高压电工证",
    "6-30-05-01": "持叉车证或行车证",
    "4-02-02-02": "持B2驾照及道路运输从业资格证",
    "6-11-01-03": "持危险化学品作业证",
    "6-28-01-01": "持司炉证",
    "6-31-03-01": "持化学检验员证",
}
# Postings per year, and the share of each cluster's (postings follow its demand profile).
POSTINGS_PER_YEAR = {2023: 6000, 2024: 6700, 2025: 7300}


def _titles(code: str, name: str, aliases: dict[str, list[str]]) -> list[str]:
    return [name, *aliases.get(code, [])]


def generate_postings(
    *,
    clusters: dict[str, dict[str, Any]],
    names: dict[str, str],
    companies: dict[str, list[str]],
    seed: int,
    total: int = sum(POSTINGS_PER_YEAR.values()),
) -> Iterator[postings.PostingRow]:
    """About ``total`` posting rows as a site would publish them (see the module's docstring),
    spread over the years as :data:`POSTINGS_PER_YEAR`."""
    scale = total / sum(POSTINGS_PER_YEAR.values())
    by_code: dict[str, list[str]] = {}
    for alias, code in shipped_aliases().items():
        by_code.setdefault(code, []).append(alias)
    number = 0
    for year, full in POSTINGS_PER_YEAR.items():
        count = round(full * scale)
        rng = random.Random(seed * 100 + year)  # noqa: S311 - reproducible demo data
        cluster_keys = [c for c in clusters if companies.get(c)]
        weights = [
            clusters[c]["count"]
            * (1.15 if c in (Cluster.SEMICONDUCTORS, Cluster.NEW_ENERGY) else 1)
            for c in cluster_keys
        ]
        for _ in range(count):
            number += 1
            cluster = rng.choices(cluster_keys, weights=weights)[0]
            demand = clusters[cluster]["demand"]
            code = rng.choices([d[0] for d in demand], weights=[d[1] for d in demand])[0]
            name = names[code]
            if rng.random() < 0.1:
                title = rng.choice(GENERIC_TITLES)
                duty = f"从事{rng.choice(_titles(code, name, by_code))}工作"
            else:
                title = rng.choice(_titles(code, name, by_code)) + rng.choice(TITLE_DECORATIONS)
                duty = "负责车间生产任务"
            if rng.random() < 0.15:
                title = title.upper() if title.isascii() else title
            skills = "，".join(rng.sample(CLUSTER_SKILLS[cluster], k=rng.randint(1, 2)))
            education = rng.choice(
                EDUCATION_TEXT[1:5]
                if code.startswith("6") or code.startswith("4")
                else EDUCATION_TEXT[4:]
            )
            certificate = CERTIFICATES.get(
                code, "持职业技能等级证书者优先" if rng.random() < 0.4 else ""
            )
            level = (
                rng.choice(["", "", "中级工及以上", "高级工优先", "技师优先"])
                if code.startswith("6")
                else ""
            )
            experience = rng.choice(
                ["经验不限，可接受应届毕业生", "1年以上相关经验", "3年以上相关经验"]
            )
            text = "；".join(
                part
                for part in (
                    f"岗位职责：{duty}，按工艺要求完成生产和交付",
                    f"任职要求：{education}，{experience}",
                    skills,
                    certificate,
                    level,
                    f"工作地点：江阴市（第{number}号岗位）",
                )
                if part
            )
            month = rng.randint(1, 12)
            yield postings.PostingRow(
                number=number,
                title=title,
                text=text + "。",
                company=rng.choice(companies[cluster]),
                posted_on=dt.date(year, month, rng.randint(1, 28)).isoformat(),
                headcount=rng.choice([1, 1, 2, 3, 5, 10]),
                external_id=f"DEMO-{year}-{number:06d}",
                cluster=cluster,
            )


def load_postings(
    *,
    clusters: dict[str, dict[str, Any]],
    companies: dict[str, list[str]],
    seed: int,
    total: int = sum(POSTINGS_PER_YEAR.values()),
    classifier: Classifier | None = None,
) -> int:
    """Imports the generated postings unless the demo's source already has some."""
    if Posting.objects.filter(source=SOURCE).exists():
        return 0
    classifier = classifier or build_classifier()
    rows: Sequence[postings.PostingRow] = list(
        generate_postings(
            clusters=clusters, names=classifier.names, companies=companies, seed=seed, total=total
        )
    )
    result = postings.postings_import(
        user=None, rows=rows, source=SOURCE, filename="demo.json", classifier=classifier
    )
    return result.imported


def school_majors() -> list[tuple[Unit, str]]:
    """(school, 6-digit major code) for every school's major: the people registry's majors whose
    code the major catalogue has; schools without any get majors from the 职业面向."""
    edition = current_edition(CatalogueKind.MAJORS)
    known = set(Major.objects.filter(edition=edition, level=3).values_list("code", flat=True))
    pairs: list[tuple[Unit, str]] = []
    schools = list(Unit.objects.filter(kind=UnitKind.SCHOOL).order_by("pk"))
    try:
        from zhijiao.people.models import Major as SchoolMajor

        for school_id, code in SchoolMajor.objects.filter(is_active=True).values_list(
            "school_id", "code"
        ):
            if code in known:
                pairs.append((next(s for s in schools if s.pk == school_id), code))
    except LookupError:  # the people app is not installed
        pass
    # Every major the 职业面向 names is run by some school: those no school runs yet go round the
    # schools in turn, so that the demo's supply covers the mapped occupations.
    mapped = sorted(
        set(
            MajorOccupation.objects.filter(
                edition=current_edition(CatalogueKind.MAPPING)
            ).values_list("major__code", flat=True)
        )
    )
    run = {code for _school, code in pairs}
    for index, code in enumerate(c for c in mapped if c not in run):
        if schools:
            pairs.append((schools[index % len(schools)], code))
    return pairs


# Graduates per year of a major, by level of education (before the major's own factor).
GRADUATES: dict[str, tuple[int, int]] = {
    MajorStage.SECONDARY: (60, 180),
    MajorStage.HIGHER: (80, 260),
    MajorStage.BACHELOR: (40, 90),
}
# Majors serving shrinking clusters run bigger cohorts; new-industry majors smaller ones.
FACTORS = {
    "48": 1.8,
    "47": 1.1,
    "46": 0.9,
    "51": 1.2,
    "53": 1.3,
    "66": 1.3,
    "68": 1.8,
    "71": 1.2,
    "73": 1.3,
    "43": 0.5,
}

# Share of graduates going on to further study, by level of education.
FURTHER_SHARES: dict[str, float] = {
    MajorStage.SECONDARY: 0.45,
    MajorStage.HIGHER: 0.18,
    MajorStage.BACHELOR: 0.1,
}


@transaction.atomic
def load_supply(*, years: Sequence[int], seed: int) -> int:
    """Enrolment, graduates and destinations of every school's majors, for each year."""
    edition = current_edition(CatalogueKind.MAJORS)
    majors = {m.code: m for m in Major.objects.filter(edition=edition, level=3)}
    made = 0
    for school, code in school_majors():
        major = majors[code]
        rng = random.Random(f"{seed}-{school.pk}-{code}")  # noqa: S311 - reproducible demo data
        low, high = GRADUATES.get(major.stage, (60, 180))
        base = rng.randint(low, high) * FACTORS.get(code[:2], 1.0)
        for year in years:
            if SupplyRecord.objects.filter(school=school, major=major, year=year).exists():
                continue
            graduates = max(
                10, round(base * (1 + 0.04 * (year - years[0])) * rng.uniform(0.9, 1.1))
            )
            further_share = FURTHER_SHARES.get(major.stage, 0.2)
            further = round(graduates * rng.uniform(further_share * 0.8, further_share * 1.2))
            local = round((graduates - further) * rng.uniform(0.6, 0.85))
            supply.supply_save(
                user=None,
                school=school,
                data=supply.SupplyData(
                    major_code=code,
                    year=year,
                    enrolled=round(graduates * rng.uniform(1.0, 1.2)),
                    graduates=graduates,
                    local_employed=local,
                    further_study=further,
                    other=graduates - further - local,
                ),
            )
            made += 1
    return made
