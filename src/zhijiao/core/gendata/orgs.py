"""Units and accounts, and the shared picture (:class:`World`) every other module draws on: the
cities, their schools with the majors each runs, the enterprises with their cluster, size and
town, and the people populations (students, teachers, adult learners).

The bureaus of Jiangyin come from the plan (``zhijiao loadplan``); everything else is created
here. Accounts all share one password (:data:`PASSWORD`), hashed once.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from zhijiao.core.codes import credit_code_with_check
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role
from zhijiao.plan.loader import plan_sync_groups
from zhijiao.plan.models import Plan
from zhijiao.talent.data import Cluster, EnterpriseSize, Town

from .base import (
    GIVEN_FEMALE,
    GIVEN_MALE,
    SURNAMES,
    Context,
    Permutation,
    Person,
    Persons,
    cumulative,
    local_at,
    mix,
    stream_seed,
    weighted_index,
)

PASSWORD = "Zhijiao#2026gen"  # noqa: S105 - the generated accounts' published password

# 《职业教育专业目录（2021年）》: the majors the generated schools run (code, name).
HIGHER_MAJORS: list[tuple[str, str]] = [
    ("430101", "发电厂及电力系统"),
    ("430102", "供用电技术"),
    ("430103", "电力系统自动化技术"),
    ("430401", "钢铁智能冶金技术"),
    ("460101", "机械设计与制造"),
    ("460102", "机械制造及自动化"),
    ("460103", "数控技术"),
    ("460301", "机电一体化技术"),
    ("460305", "工业机器人技术"),
    ("460306", "电气自动化技术"),
    ("460501", "船舶工程技术"),
    ("460701", "汽车制造与试验技术"),
    ("460702", "新能源汽车技术"),
    ("470201", "应用化工技术"),
    ("470203", "精细化工技术"),
    ("470204", "石油化工技术"),
    ("480401", "现代纺织技术"),
    ("480405", "服装设计与工艺"),
    ("510101", "电子信息工程技术"),
    ("510102", "物联网应用技术"),
    ("510103", "应用电子技术"),
    ("510201", "计算机应用技术"),
    ("510202", "计算机网络技术"),
    ("510203", "软件技术"),
    ("510205", "大数据技术"),
    ("510206", "云计算技术应用"),
    ("510209", "人工智能技术应用"),
    ("510211", "工业互联网技术"),
    ("510401", "集成电路技术"),
    ("510402", "微电子技术"),
    ("530301", "大数据与财务管理"),
    ("530302", "大数据与会计"),
    ("530303", "大数据与审计"),
    ("530701", "电子商务"),
    ("530702", "跨境电子商务"),
    ("530801", "物流工程技术"),
    ("530802", "现代物流管理"),
]
SECONDARY_MAJORS: list[tuple[str, str]] = [
    ("660103", "数控技术应用"),
    ("660301", "机电技术应用"),
    ("680403", "服装设计与工艺"),
    ("700206", "汽车运用与维修"),
    ("710201", "计算机应用"),
    ("730302", "会计事务"),
    ("730701", "电子商务"),
    ("730801", "物流服务与管理"),
    ("740201", "中餐烹饪"),
    ("750101", "艺术设计与制作"),
]
OPEN_MAJORS = ["530302", "530701", "530802", "510201", "460301"]

# The prefecture cities of Jiangsu (name, the first four digits of their region codes); Jiangyin
# (320281) belongs to Wuxi.
CITIES: list[tuple[str, str]] = [
    ("无锡", "3202"),
    ("南京", "3201"),
    ("徐州", "3203"),
    ("常州", "3204"),
    ("苏州", "3205"),
    ("南通", "3206"),
    ("连云港", "3207"),
    ("淮安", "3208"),
    ("盐城", "3209"),
    ("扬州", "3210"),
    ("镇江", "3211"),
    ("泰州", "3212"),
    ("宿迁", "3213"),
]
COUNTY_SUFFIXES = ["02", "03", "04", "05", "06", "11", "12", "13", "81", "82", "83"]
# Where the city's migrant workers come from (外来劳动者): region codes of other provinces.
MIGRANT_REGIONS = [
    "341221",
    "341222",
    "340822",
    "411521",
    "411522",
    "510922",
    "422421",
    "362329",
    "320981",
    "321281",
    "320723",
    "522426",
]

# Jiangyin's schools (name, short name, kind, supervising bureau). 澄西技校 comes from the plan.
JIANGYIN_SCHOOLS: list[tuple[str, str, str, str]] = [
    ("江阴职业技术学院", "江阴职院", "higher", "教育局"),
    ("江阴中等专业学校", "江阴中专", "secondary", "教育局"),
    ("澄西技校", "澄西技校", "technical", "人社局"),
    ("江阴开放大学", "江阴开大", "open", "教育局"),
    ("江阴市华姿中等专业学校", "华姿中专", "secondary", "教育局"),
    ("江阴市华士中等专业学校", "华士中专", "secondary", "教育局"),
    ("江阴市青阳职业技术学校", "青阳职校", "secondary", "教育局"),
    ("江阴市周庄技工学校", "周庄技校", "technical", "人社局"),
    ("江阴市申港中等专业学校", "申港中专", "secondary", "教育局"),
    ("江阴市月城职业高级中学", "月城职高", "secondary", "教育局"),
]
# The kinds of a prefecture city's schools, in order (province scale).
CITY_SCHOOL_KINDS = ["higher"] * 4 + ["open"] + ["technical"] * 4 + ["secondary"] * 11
CN_NUMBERS = "一二三四五六七八九十"

# Enterprise names: 字号 (two characters) × stem × form, by cluster.
TRADE_FIRST = (
    "澄恒宏新华锦瑞永鑫金博晨嘉隆信振富联同科明启德弘安凯佳兴万康星顺百九盛协泰天中远海君延暨芙敔"
)
TRADE_SECOND = "达润泰丰盛源成通和昌辉宇业发祥兴隆鑫华誉"
TRADE_NAMES = [a + b for a in TRADE_FIRST for b in TRADE_SECOND if a != b]
CLUSTER_STEMS: dict[str, list[str]] = {
    Cluster.METALLURGY: [
        "特钢",
        "钢管",
        "金属制品",
        "合金材料",
        "钢帘线",
        "精密锻造",
        "铸钢",
        "型钢",
    ],
    Cluster.TEXTILES: ["纺织", "服饰", "印染", "毛纺", "针织", "家纺", "化纤织造", "制衣"],
    Cluster.PETROCHEMICALS: ["化工", "新材料", "石化", "高分子材料", "精细化学", "涂料", "树脂"],
    Cluster.EQUIPMENT: ["重工", "机械", "船舶", "装备", "液压", "轴承", "齿轮", "精工"],
    Cluster.SEMICONDUCTORS: ["微电子", "半导体", "封装测试", "电子材料", "芯片封测", "电子科技"],
    Cluster.NEW_ENERGY: ["新能源", "光伏科技", "储能", "风电装备", "电池科技", "电力设备"],
    Cluster.LOGISTICS: ["物流", "供应链", "港务", "国际货运", "仓储", "冷链物流"],
    Cluster.OTHER: ["建设工程", "食品", "商贸", "信息技术", "印务", "环保科技"],
}
FORMS = ["有限公司", "股份有限公司", "科技有限公司", "集团有限公司", "制造有限公司", "实业有限公司"]
CLUSTER_WEIGHTS: dict[str, float] = {
    Cluster.METALLURGY: 12,
    Cluster.TEXTILES: 16,
    Cluster.PETROCHEMICALS: 10,
    Cluster.EQUIPMENT: 18,
    Cluster.SEMICONDUCTORS: 6,
    Cluster.NEW_ENERGY: 7,
    Cluster.LOGISTICS: 9,
    Cluster.OTHER: 22,
}
CLUSTER_INDUSTRIES: dict[str, list[str]] = {
    Cluster.METALLURGY: ["C3120", "C3130", "C3140", "C3340", "C3391", "C3393", "C3360"],
    Cluster.TEXTILES: ["C1711", "C1712", "C1713", "C1752", "C1763", "C1771", "C1810", "C1820"],
    Cluster.PETROCHEMICALS: ["C2511", "C2614", "C2651", "C2661", "C2662", "C2822", "C2826"],
    Cluster.EQUIPMENT: ["C3411", "C3421", "C3441", "C3443", "C3451", "C3453", "C3731", "C3734"],
    Cluster.SEMICONDUCTORS: ["C3973", "C3972", "C3976", "C3982", "C3985"],
    Cluster.NEW_ENERGY: ["C3825", "C3841", "C3415", "C3811", "C3821", "D4415", "D4416"],
    Cluster.LOGISTICS: ["G5431", "G5432", "G5532", "G5821", "G5920", "G5930", "G6020"],
    Cluster.OTHER: ["E4710", "C1391", "F5191", "I6510", "C2319", "N7724"],
}
SIZES = [EnterpriseSize.LARGE, EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO]
SIZE_WEIGHTS = [1, 6, 35, 58]
STAFF = {
    EnterpriseSize.LARGE: (1000, 8000),
    EnterpriseSize.MEDIUM: (300, 999),
    EnterpriseSize.SMALL: (20, 299),
    EnterpriseSize.MICRO: (3, 19),
}
TOWNS = [t.value for t in Town]

# Bureaus of Jiangyin the plan loads, and the liaison accounts generated for them.
LIAISONS = [
    "教育局",
    "人社局",
    "发改委",
    "工信局",
    "科技局",
    "财政局",
    "税务局",
    "工商联",
    "宣传部",
]


@dataclass
class City:
    name: str
    prefix: str
    regions: list[str]
    education: int  # unit id of the city's education bureau
    labour: int  # and of its human resources bureau


@dataclass
class School:
    id: int
    name: str
    short: str
    kind: str  # higher / secondary / technical / open
    city: int
    parent: int
    majors: list[tuple[str, str]]  # (code, name) of 《职业教育专业目录》
    clerk: int = 0  # user id of the school's clerk
    weight: float = 1.0  # share of the city's students and learners


@dataclass
class Enterprise:
    id: int
    name: str
    credit_code: str
    cluster: str
    industry: str
    size: str
    town: str
    staff: int
    city: int
    user: int | None = None


@dataclass
class World:
    cities: list[City]
    schools: list[School]
    enterprises: list[Enterprise]
    office: int  # the plan office's account (工作专班), also the credit bank's reviewer
    liaisons: dict[str, int]  # bureau name → user id
    experts: list[int]
    learner_users: list[int]  # accounts of role 学习者, linked to the first learners
    students: Persons  # secondary schools
    college_students: Persons
    teachers: Persons
    locals: Persons
    migrants: Persons
    units_by_name: dict[str, int] = field(default_factory=dict)
    seed: int = 0
    today: dt.date = dt.date(2026, 1, 1)

    def __post_init__(self) -> None:
        # Full-time students study at every school but the open university; adults open their
        # account at a school of their city, most of them at the open university.
        self._student_schools = [s for s in self.schools if s.kind != "open"]
        self._student_cdf = cumulative([s.weight for s in self._student_schools])
        self._adult: list[tuple[list[School], list[float]]] = []
        for index in range(len(self.cities)):
            schools = self.schools_of(index)
            weights = [4.0 * s.weight if s.kind == "open" else s.weight for s in schools]
            self._adult.append((schools, cumulative(weights)))
        self._mix = stream_seed(self.seed, "world:places")

    def schools_of(self, city: int) -> list[School]:
        return [s for s in self.schools if s.city == city]

    def _unit(self, index: int, salt: int) -> float:
        return (mix(self._mix ^ (index * 0x9E3779B1 + salt)) >> 11) / float(1 << 53)

    def student(self, index: int) -> tuple[Person, School, tuple[str, str], int]:
        """Student ``index``: the person, school, major (code, name) and year of enrolment
        (secondary schools take 15-year-olds, colleges 18-year-olds, for three years)."""
        school = self._student_schools[weighted_index(self._student_cdf, self._unit(index, 1))]
        major = school.majors[int(self._unit(index, 2) * len(school.majors))]
        college = school.kind == "higher"
        person = (self.college_students if college else self.students)[index]
        cohort = person.birth.year + (1 if person.birth.month >= 9 else 0)
        return person, school, major, cohort + (18 if college else 15)

    def adult_school(self, index: int) -> School:
        """The school where adult learner ``index`` opened their credit-bank account."""
        schools, cdf = self._adult[index % len(self._adult)]
        return schools[weighted_index(cdf, self._unit(index, 4))]


def _regions(prefix: str) -> list[str]:
    if prefix == "3202":
        return ["320281", "320282", "320211", "320213", "320214"]
    return [prefix + suffix for suffix in COUNTY_SUFFIXES]


def build(ctx: Context) -> World:
    """Creates the units and accounts and returns the world every module shares."""
    scale = ctx.scale
    rng = ctx.rng("orgs")
    writer = ctx.writer
    ctx.step("单位与账号")
    plan = Plan.objects.order_by("pk").first()
    existing = dict(Unit.objects.values_list("name", "pk"))
    if "教育局" not in existing or "人社局" not in existing:
        raise RuntimeError(
            "请先载入实施方案：zhijiao loadplan data/plans/jiangyin-2021-vet-reform-plan.txt"
        )
    unit_id = max(existing.values()) + 1
    units: list[tuple[object, ...]] = []
    created = local_at(dt.date(2021, 11, 4))

    def add_unit(name: str, short: str, kind: str, parent: int | None, code: str = "") -> int:
        nonlocal unit_id
        if name in existing:
            return existing[name]
        pk = unit_id
        unit_id += 1
        units.append((pk, name, short, kind, parent, "[]", code, True, created))
        existing[name] = pk
        return pk

    # Cities and their bureaus.
    cities: list[City] = []
    for index in range(scale.cities):
        name, prefix = CITIES[index]
        if index == 0:
            cities.append(
                City("江阴", prefix, _regions(prefix), existing["教育局"], existing["人社局"])
            )
            continue
        education = add_unit(f"{name}市教育局", f"{name}教育局", UnitKind.GOVERNMENT, None)
        labour = add_unit(
            f"{name}市人力资源和社会保障局", f"{name}人社局", UnitKind.GOVERNMENT, None
        )
        cities.append(City(name, prefix, _regions(prefix), education, labour))

    # Schools.
    schools: list[School] = []
    majors_rng = ctx.rng("orgs:majors")
    for city_index, city in enumerate(cities):
        if city_index == 0:
            specs = JIANGYIN_SCHOOLS[: scale.schools_per_city]
            if scale.cities > 1:  # the rest of Wuxi
                specs = JIANGYIN_SCHOOLS + [
                    (
                        f"无锡市第{CN_NUMBERS[i]}中等专业学校",
                        f"锡{i + 1}中专",
                        "secondary",
                        "教育局",
                    )
                    for i in range(scale.schools_per_city - len(JIANGYIN_SCHOOLS))
                ]
        else:
            specs = []
            counters: dict[str, int] = {}
            for kind in CITY_SCHOOL_KINDS[: scale.schools_per_city]:
                n = counters[kind] = counters.get(kind, 0) + 1
                number = CN_NUMBERS[n - 1] if n <= 10 else str(n)
                specs.append(
                    {
                        "higher": (f"{city.name}第{number}职业技术学院", f"{city.name}{n}职院"),
                        "secondary": (
                            f"{city.name}市第{number}中等专业学校",
                            f"{city.name}{n}中专",
                        ),
                        "technical": (f"{city.name}市第{number}技工学校", f"{city.name}{n}技校"),
                        "open": (f"{city.name}开放大学", f"{city.name}开大"),
                    }[kind]
                    + (kind, "人社局" if kind == "technical" else "教育局")
                )
        for name, short, kind, bureau in specs:
            parent = city.labour if bureau == "人社局" else city.education
            pk = add_unit(name, short, UnitKind.SCHOOL, parent)
            if kind == "higher":
                majors = majors_rng.sample(HIGHER_MAJORS, k=10)
            elif kind == "open":
                majors = [m for m in HIGHER_MAJORS if m[0] in OPEN_MAJORS]
            else:
                majors = majors_rng.sample(SECONDARY_MAJORS, k=6)
            majors.sort()
            weight = {"higher": 3.0, "secondary": 1.6, "technical": 1.0, "open": 1.2}[kind]
            schools.append(School(pk, name, short, kind, city_index, parent, majors, weight=weight))

    # Enterprises: names from (city, 字号, stem, form) through a permutation, so they never repeat.
    enterprises: list[Enterprise] = []
    count = scale.count(scale.enterprises, minimum=10)
    clusters = list(CLUSTER_WEIGHTS)
    cluster_cdf = cumulative([CLUSTER_WEIGHTS[c] for c in clusters])
    size_cdf = cumulative(SIZE_WEIGHTS)
    per_city = len(TRADE_NAMES) * 8 * len(FORMS)
    names = Permutation(per_city * len(cities), stream_seed(ctx.seed, "orgs:names"))
    codes = Permutation(10**8, stream_seed(ctx.seed, "orgs:codes"))
    for index in range(count):
        p = names(index)
        city_index = p % len(cities)
        p //= len(cities)
        trade = TRADE_NAMES[p % len(TRADE_NAMES)]
        p //= len(TRADE_NAMES)
        stem_index = p % 8
        form = FORMS[p // 8]
        cluster = clusters[weighted_index(cluster_cdf, rng.random())]
        stems = CLUSTER_STEMS[cluster]
        stem = stems[stem_index % len(stems)]
        # The same (字号, stem) can come from two stem indexes: the index keeps the name unique.
        suffix = (
            "" if stem_index < len(stems) else f"第{CN_NUMBERS[stem_index // len(stems)]}分公司"
        )
        city = cities[city_index]
        place = "江阴" if city_index == 0 else city.name
        name = f"{place}{trade}{stem}{form}{suffix}"
        size = SIZES[weighted_index(size_cdf, rng.random())]
        lo, hi = STAFF[size]
        body = f"{codes(index):08d}"
        weights = [3, 7, 9, 10, 5, 8, 4, 2]
        check = 11 - sum(int(ch) * w for ch, w in zip(body, weights, strict=True)) % 11
        org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
        region = city.regions[index % len(city.regions)] if city_index else "320281"
        credit_code = credit_code_with_check(f"91{region}{org}")
        pk = add_unit(name, "", UnitKind.ENTERPRISE, None, credit_code)
        enterprises.append(
            Enterprise(
                pk,
                name,
                credit_code,
                cluster,
                rng.choice(CLUSTER_INDUSTRIES[cluster]),
                size,
                rng.choice(TOWNS),
                rng.randint(lo, hi),
                city_index,
            )
        )
    writer.write(
        Unit,
        [
            "id",
            "name",
            "short_name",
            "kind",
            "parent",
            "aliases",
            "credit_code",
            "is_active",
            "created_at",
        ],
        units,
        label="单位",
    )
    if plan is not None:
        plan_sync_groups(plan)  # 各职业院校 now stands for every school

    # Accounts.
    ctx.step("账号")
    password = make_password(PASSWORD, salt=f"gendata{stream_seed(ctx.seed, 'salt') % 10**10}")
    user_id = max(User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0, 0) + 1
    users: list[tuple[object, ...]] = []
    changed = local_at(ctx.today, 8)  # a fresh password: no forced change at first sign-in

    def add_user(username: str, name: str, role: str, unit: int | None) -> int:
        nonlocal user_id
        pk = user_id
        user_id += 1
        users.append(
            (
                pk,
                password,
                False,
                username,
                "",
                "",
                f"{username}@gen.zhijiao.invalid",
                False,
                True,
                created,
                name,
                role,
                unit,
                changed,
            )
        )
        return pk

    people = ctx.rng("orgs:people")
    office = add_user("office", "王主任", Role.PLAN_OFFICE, existing["教育局"])
    liaisons = {
        bureau: add_user(f"liaison{n:02d}", _name(people), Role.UNIT_LIAISON, existing[bureau])
        for n, bureau in enumerate(LIAISONS, start=1)
        if bureau in existing
    }
    for school_index, school in enumerate(schools, start=1):
        school.clerk = add_user(
            f"school{school_index:04d}", _name(people), Role.SCHOOL_CLERK, school.id
        )
    enterprise_users = max(1, len(enterprises) // 10)
    for index, enterprise in enumerate(enterprises[:enterprise_users], start=1):
        enterprise.user = add_user(f"ent{index:06d}", _name(people), Role.ENTERPRISE, enterprise.id)
    experts = [
        add_user(f"expert{n:04d}", _name(people), Role.EXPERT, None)
        for n in range(1, scale.experts + 1)
    ]
    learner_users = [
        add_user(f"learner{n:06d}", "", Role.LEARNER, None)
        for n in range(1, max(2, scale.count(scale.learners) // 100) + 1)
    ]
    add_user("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, None)
    add_user("secadmin", "安全管理员", Role.SECURITY_ADMIN, None)
    add_user("auditor", "审计管理员", Role.AUDIT_ADMIN, None)
    writer.write(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "full_name",
            "role",
            "unit",
            "password_changed_at",
        ],
        users,
        label="账号",
    )

    local_regions = [r for city in cities for r in city.regions]
    school_year = ctx.today.year if ctx.today.month >= 9 else ctx.today.year - 1
    return World(
        cities=cities,
        schools=schools,
        enterprises=enterprises,
        office=office,
        liaisons=liaisons,
        experts=experts,
        learner_users=learner_users,
        students=Persons(
            seed=ctx.seed,
            name="students",
            regions=local_regions,
            born_from=dt.date(school_year - 18, 9, 1),
            born_to=dt.date(school_year - 15, 8, 31),
            sequences=(0, 150),
        ),
        college_students=Persons(
            seed=ctx.seed,
            name="college_students",
            regions=local_regions,
            born_from=dt.date(school_year - 21, 9, 1),
            born_to=dt.date(school_year - 18, 8, 31),
            sequences=(150, 300),
        ),
        teachers=Persons(
            seed=ctx.seed,
            name="teachers",
            regions=local_regions,
            born_from=dt.date(ctx.today.year - 60, 1, 1),
            born_to=dt.date(ctx.today.year - 24, 12, 31),
            sequences=(900, 1000),
        ),
        locals=Persons(
            seed=ctx.seed,
            name="locals",
            regions=local_regions,
            born_from=dt.date(ctx.today.year - 58, 1, 1),
            born_to=dt.date(ctx.today.year - 18, 12, 31),
            sequences=(300, 700),
        ),
        migrants=Persons(
            seed=ctx.seed,
            name="migrants",
            regions=MIGRANT_REGIONS,
            born_from=dt.date(ctx.today.year - 55, 1, 1),
            born_to=dt.date(ctx.today.year - 18, 12, 31),
            sequences=(700, 900),
        ),
        units_by_name=existing,
        seed=ctx.seed,
        today=ctx.today,
    )


def _name(rng: random.Random) -> str:
    r = mix(rng.getrandbits(62))
    given = GIVEN_MALE if r & 1 else GIVEN_FEMALE
    return (
        SURNAMES[(r >> 1) % len(SURNAMES)]
        + given[(r >> 9) % len(given)]
        + given[(r >> 17) % len(given)]
    )
