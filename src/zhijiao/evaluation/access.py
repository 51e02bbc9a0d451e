"""Who may use the module's pages and API routes (merged into ``zhijiao.core.access``).

Viewers are the plan office (every school), bureau liaisons (the schools they supervise) and
school clerks (their own school); experts reach only their scoring workspace, the sheets assigned
to them and the evidence of those schools; the office alone runs rounds.
"""

from django.utils.translation import gettext_lazy

from zhijiao.core.access import OFFICE, Access, MenuItem
from zhijiao.orgs.roles import Capability, Role

VIEWERS = frozenset({Role.PLAN_OFFICE, Role.UNIT_LIAISON, Role.SCHOOL_CLERK})
EXPERTS = frozenset({Role.EXPERT})
OFFICE_AND_EXPERTS = frozenset({Role.PLAN_OFFICE, Role.EXPERT})
VIEWERS_AND_EXPERTS = VIEWERS | EXPERTS

PAGES: dict[str, Access] = {
    "evaluation-schemes": Access("评价方案", VIEWERS),
    "evaluation-scheme": Access("方案指标体系", VIEWERS),
    "evaluation-scheme-edit": Access("修改评价方案", OFFICE, methods="GET POST"),
    "evaluation-scheme-copy": Access("复制为新年度版本", OFFICE, methods="POST"),
    "evaluation-rounds": Access("评价轮次", VIEWERS, scoped=True),
    "evaluation-round-new": Access("创建评价轮次", OFFICE, methods="GET POST"),
    "evaluation-round": Access("轮次详情与进度", VIEWERS, scoped=True),
    "evaluation-round-advance": Access(
        "推进轮次阶段（自评、评分、复核、公示、公布）", OFFICE, methods="POST"
    ),
    "evaluation-round-assign": Access("分配评审专家", OFFICE, methods="GET POST"),
    "evaluation-reconcile": Access("复核汇总与离群评分", OFFICE, methods="GET POST"),
    "evaluation-results": Access("评价结果（含导出）", VIEWERS, scoped=True),
    "evaluation-notice": Access("生成结果公示或通知（Word）", OFFICE, methods="POST"),
    "evaluation-entry": Access("学校评价结果与优势短板", VIEWERS, scoped=True),
    "evaluation-self": Access("学校自评", VIEWERS, scoped=True, methods="GET POST"),
    "evaluation-appeal-new": Access("提出申诉（本校）", VIEWERS, scoped=True, methods="POST"),
    "evaluation-evidence": Access("下载自评佐证", VIEWERS_AND_EXPERTS, scoped=True),
    "evaluation-experts": Access(
        "专家回避关系", OFFICE_AND_EXPERTS, scoped=True, methods="GET POST"
    ),
    "evaluation-scoring": Access("专家评分工作台（本人）", EXPERTS, scoped=True),
    "evaluation-score": Access("评分（本人分配的学校）", EXPERTS, scoped=True, methods="GET POST"),
    "evaluation-appeals": Access("结果申诉", VIEWERS, scoped=True),
    "evaluation-appeal-decide": Access("处理申诉", OFFICE, methods="POST"),
    "evaluation-compare": Access("跨校跨年比较", VIEWERS, scoped=True),
    "evaluation-pay": Access("绩效工资核定依据", VIEWERS, scoped=True),
    "evaluation-reports": Access("质量年度报告", VIEWERS, scoped=True, methods="GET POST"),
}

API: dict[tuple[str, str], Access] = {
    ("GET", "/api/v1/evaluation/schemes"): Access("评价方案与指标体系", VIEWERS),
    ("GET", "/api/v1/evaluation/rounds"): Access("评价轮次与进度", VIEWERS, scoped=True),
    ("GET", "/api/v1/evaluation/results"): Access("评价结果", VIEWERS, scoped=True),
}

MENU = (
    gettext_lazy("学校评价"),
    [
        MenuItem(
            gettext_lazy("评价轮次"), "fact_check", "evaluation-rounds", Capability.EVALUATION_VIEW
        ),
        MenuItem(
            gettext_lazy("评价方案"),
            "account_tree",
            "evaluation-schemes",
            Capability.EVALUATION_VIEW,
        ),
        MenuItem(
            gettext_lazy("跨校跨年比较"), "radar", "evaluation-compare", Capability.EVALUATION_VIEW
        ),
        MenuItem(
            gettext_lazy("绩效工资核定依据"),
            "payments",
            "evaluation-pay",
            Capability.EVALUATION_VIEW,
        ),
        MenuItem(
            gettext_lazy("结果申诉"), "gavel", "evaluation-appeals", Capability.EVALUATION_VIEW
        ),
        MenuItem(
            gettext_lazy("质量年度报告"),
            "description",
            "evaluation-reports",
            Capability.EVALUATION_VIEW,
        ),
        MenuItem(
            gettext_lazy("专家评分工作台"),
            "rate_review",
            "evaluation-scoring",
            Capability.EVALUATION_SCORE,
        ),
        MenuItem(
            gettext_lazy("专家回避关系"),
            "person_off",
            "evaluation-experts",
            Capability.EVALUATION_SCORE,
        ),
        MenuItem(
            gettext_lazy("专家回避关系"),
            "person_off",
            "evaluation-experts",
            Capability.EVALUATION_MANAGE,
        ),
    ],
)
