"""Who may use the module's pages and API routes (merged into ``zhijiao.core.access``)."""

from django.utils.translation import gettext_lazy

from zhijiao.core.access import OFFICE, REPORTERS, Access, MenuItem
from zhijiao.orgs.roles import Capability, Role

# Everyone holding TALENT_VIEW: the catalogues are common reference.
VIEWERS = frozenset({Role.PLAN_OFFICE, Role.UNIT_LIAISON, Role.SCHOOL_CLERK, Role.ENTERPRISE})
ENTERPRISES = frozenset({Role.ENTERPRISE})
# Demand figures add up other enterprises' answers: for the planners (office, bureaus, schools),
# not for the enterprises surveyed (see selectors.may_see_demand).
PLANNERS = REPORTERS
OFFICE_AND_ENTERPRISES = frozenset({Role.PLAN_OFFICE, Role.ENTERPRISE})
# Supply is recorded by schools and read by the office and the bureaus supervising schools.
SUPPLY = frozenset({Role.PLAN_OFFICE, Role.UNIT_LIAISON, Role.SCHOOL_CLERK})
# Published reports are public: every role (and anyone without an account) may read them.
EVERYONE = frozenset(Role)

PAGES: dict[str, Access] = {
    "talent-catalogue": Access("目录浏览（职业、专业、行业、职业面向）", VIEWERS),
    "talent-mapping-new": Access("登记职业面向", OFFICE, methods="POST"),
    "talent-mapping-delete": Access("删除职业面向", OFFICE, methods="POST"),
    "talent-survey": Access(
        "岗位需求填报（含 Excel 模板、导入）", ENTERPRISES, scoped=True, methods="GET POST"
    ),
    "talent-profile": Access("企业信息", ENTERPRISES, scoped=True, methods="GET POST"),
    "talent-surveys": Access("需求调查（含导出）", OFFICE),
    "talent-survey-detail": Access("岗位需求填报详情", OFFICE_AND_ENTERPRISES, scoped=True),
    "talent-survey-decide": Access("采纳、退回岗位需求", OFFICE, methods="POST"),
    "talent-rounds": Access("需求调查轮次", OFFICE, methods="GET POST"),
    "talent-demand": Access("岗位需求汇总", PLANNERS),
    "talent-postings": Access("招聘信息导入与归类校正", OFFICE, methods="GET POST"),
    "talent-posting-correct": Access("校正招聘信息归类", OFFICE, methods="POST"),
    "talent-supply": Access("毕业生供给（填报、导入）", SUPPLY, scoped=True, methods="GET POST"),
    "talent-analysis": Access("供需分析与紧缺职业", PLANNERS),
    "talent-reports": Access("产业人才需求报告（生成、发布）", OFFICE, methods="GET POST"),
    "talent-report": Access("产业人才需求报告（网页预览）", OFFICE),
}

API: dict[tuple[str, str], Access] = {
    ("GET", "/api/v1/talent/occupations"): Access("职业分类", VIEWERS),
    ("GET", "/api/v1/talent/majors"): Access("专业目录", VIEWERS),
    ("GET", "/api/v1/talent/industries"): Access("行业分类", VIEWERS),
    ("GET", "/api/v1/talent/mappings"): Access("专业职业面向", VIEWERS),
    ("GET", "/api/v1/talent/survey"): Access("岗位需求填报", OFFICE_AND_ENTERPRISES, scoped=True),
    ("POST", "/api/v1/talent/survey"): Access("填报、报送岗位需求", ENTERPRISES, scoped=True),
    ("GET", "/api/v1/talent/demand"): Access("岗位需求汇总", PLANNERS),
    ("GET", "/api/v1/talent/shortage"): Access("紧缺职业目录与供需分析", PLANNERS),
    ("GET", "/api/v1/talent/supply"): Access("毕业生供给", SUPPLY, scoped=True),
    ("GET", "/api/v1/talent/reports"): Access("已发布的产业人才需求报告（公开）", EVERYONE),
    ("GET", "/api/v1/talent/report"): Access("产业人才需求报告（公开）", EVERYONE),
    ("GET", "/api/v1/talent/report/document"): Access("产业人才需求报告文档（公开）", EVERYONE),
}

PUBLIC = {
    "/api/v1/talent/reports": "已发布的产业人才需求报告（JSON；浏览器访问得到报告列表页）",
    "/api/v1/talent/report?year=YYYY": "产业人才需求报告（JSON；浏览器访问得到报告网页）",
    "/api/v1/talent/report/document?year=YYYY": "产业人才需求报告（.docx）",
}

MENU = (
    gettext_lazy("产业人才"),
    [
        MenuItem(gettext_lazy("目录浏览"), "menu_book", "talent-catalogue", Capability.TALENT_VIEW),
        MenuItem(
            gettext_lazy("岗位需求填报"), "edit_note", "talent-survey", Capability.TALENT_SURVEY
        ),
        MenuItem(gettext_lazy("企业信息"), "domain", "talent-profile", Capability.TALENT_SURVEY),
        MenuItem(
            gettext_lazy("需求调查"), "fact_check", "talent-surveys", Capability.TALENT_MANAGE
        ),
        MenuItem(gettext_lazy("需求调查轮次"), "event", "talent-rounds", Capability.TALENT_MANAGE),
        # The planners' capability: enterprises (TALENT_VIEW too) do not see demand figures.
        MenuItem(gettext_lazy("岗位需求汇总"), "bar_chart", "talent-demand", Capability.PLAN_VIEW),
        MenuItem(gettext_lazy("供需分析"), "monitoring", "talent-analysis", Capability.PLAN_VIEW),
        MenuItem(gettext_lazy("毕业生供给"), "school", "talent-supply", Capability.PLAN_VIEW),
        MenuItem(gettext_lazy("招聘信息"), "work", "talent-postings", Capability.TALENT_MANAGE),
        MenuItem(
            gettext_lazy("产业人才需求报告"),
            "description",
            "talent-reports",
            Capability.TALENT_MANAGE,
        ),
    ],
)
