"""Who may use the credit bank's pages and API routes (merged into ``zhijiao.core.access``).

Learners (CREDIT_LEARN) see their own account only; schools (CREDIT_SUBMIT, CREDIT_REVIEW) their
learners and the applications addressed to them; the bank (CREDIT_BANK, the plan office) all.
Out of scope is a 404. The verification of a transcript and the platform's public key are public.
"""

from django.utils.translation import gettext_lazy

from zhijiao.core.access import ALL, OFFICE, SCHOOLS_AND_OFFICE, Access, MenuItem
from zhijiao.orgs.roles import Capability, Role

LEARNER = frozenset({Role.LEARNER})
SCHOOL = frozenset({Role.SCHOOL_CLERK})
CREDIT_ALL = frozenset({Role.LEARNER, Role.SCHOOL_CLERK, Role.PLAN_OFFICE})

PAGES: dict[str, Access] = {
    # learner portal
    "creditbank-portal": Access("我的学分银行（本人）", LEARNER, scoped=True),
    "creditbank-my-outcome-new": Access(
        "登记学习成果（本人）", LEARNER, scoped=True, methods="GET POST"
    ),
    "creditbank-apply": Access("申请学分认定（本人）", LEARNER, scoped=True, methods="GET POST"),
    "creditbank-transcript": Access("我的成绩单（本人）", LEARNER, scoped=True),
    "creditbank-share-new": Access(
        "生成成绩单核验码（本人）", LEARNER, scoped=True, methods="POST"
    ),
    "creditbank-share-revoke": Access(
        "撤销成绩单核验码", frozenset({Role.LEARNER, Role.PLAN_OFFICE}), scoped=True, methods="POST"
    ),
    "creditbank-share-pdf": Access("下载 PDF 成绩单", CREDIT_ALL, scoped=True),
    "creditbank-credentials": Access("导出可验证学分凭证（本人）", LEARNER, scoped=True),
    # applications
    "creditbank-application": Access("学分认定申请详情", CREDIT_ALL, scoped=True),
    "creditbank-application-action": Access(
        "提交、撤回、审核、公示、异议、入账、撤销", CREDIT_ALL, scoped=True, methods="POST"
    ),
    "creditbank-queue": Access("学分认定审核", SCHOOLS_AND_OFFICE, scoped=True),
    "creditbank-queue-bulk": Access(
        "批量审核、公示、入账", SCHOOLS_AND_OFFICE, scoped=True, methods="POST"
    ),
    "creditbank-bulk-submit": Access(
        "批量提交认定申请", SCHOOLS_AND_OFFICE, scoped=True, methods="GET POST"
    ),
    # learners
    "creditbank-learners": Access("学习账户", SCHOOLS_AND_OFFICE, scoped=True),
    "creditbank-learner-new": Access(
        "开立学习账户", SCHOOLS_AND_OFFICE, scoped=True, methods="GET POST"
    ),
    "creditbank-learners-import": Access(
        "集体开户", SCHOOLS_AND_OFFICE, scoped=True, methods="GET POST"
    ),
    "creditbank-learner": Access("学习账户详情", SCHOOLS_AND_OFFICE, scoped=True),
    "creditbank-learner-unmask": Access(
        "查看学习者完整姓名、身份证号、手机号（审计）", OFFICE, methods="POST"
    ),
    "creditbank-learner-rename": Access("姓名更正", OFFICE, methods="POST"),
    "creditbank-learner-outcome-new": Access(
        "为学习者登记学习成果", SCHOOLS_AND_OFFICE, scoped=True, methods="GET POST"
    ),
    "creditbank-learner-share": Access("为学习者出具成绩单核验码", OFFICE, methods="POST"),
    # rules, recognition, statistics
    "creditbank-rules": Access("学分转换规则", SCHOOLS_AND_OFFICE),
    "creditbank-rule": Access("规则详情与试算", SCHOOLS_AND_OFFICE),
    "creditbank-rule-new": Access(
        "制定规则或新版本", SCHOOLS_AND_OFFICE, scoped=True, methods="GET POST"
    ),
    "creditbank-rule-action": Access(
        "发布、截止、停用规则", SCHOOLS_AND_OFFICE, scoped=True, methods="POST"
    ),
    "creditbank-recognitions": Access(
        "学分互认", SCHOOLS_AND_OFFICE, scoped=True, methods="GET POST"
    ),
    "creditbank-stats": Access("学分银行统计（含导出）", SCHOOLS_AND_OFFICE, scoped=True),
}

API: dict[tuple[str, str], Access] = {
    ("GET", "/api/v1/creditbank/verify/{code}"): Access("核验成绩单（公开）", ALL),
    ("GET", "/api/v1/creditbank/keys"): Access("平台签名公钥（公开）", ALL),
}

PUBLIC = {
    "/api/v1/creditbank/verify/{code}": "成绩单核验（JSON；浏览器访问得到核验页面）",
    "/api/v1/creditbank/keys": "学分凭证与账本检查点的签名公钥",
    "/verify/": "成绩单核验页面（输入核验码）",
}

MENU = (
    gettext_lazy("学分银行"),
    [
        MenuItem(
            gettext_lazy("我的学分银行"),
            "account_balance",
            "creditbank-portal",
            Capability.CREDIT_LEARN,
        ),
        MenuItem(
            gettext_lazy("申请学分认定"), "post_add", "creditbank-apply", Capability.CREDIT_LEARN
        ),
        MenuItem(
            gettext_lazy("我的成绩单"),
            "workspace_premium",
            "creditbank-transcript",
            Capability.CREDIT_LEARN,
        ),
        MenuItem(
            gettext_lazy("学分认定审核"), "fact_check", "creditbank-queue", Capability.CREDIT_REVIEW
        ),
        MenuItem(
            gettext_lazy("学分认定审核"), "fact_check", "creditbank-queue", Capability.CREDIT_BANK
        ),
        MenuItem(
            gettext_lazy("学习账户"), "badge", "creditbank-learners", Capability.CREDIT_SUBMIT
        ),
        MenuItem(gettext_lazy("学习账户"), "badge", "creditbank-learners", Capability.CREDIT_BANK),
        MenuItem(gettext_lazy("学分转换规则"), "rule", "creditbank-rules", Capability.CREDIT_BANK),
        MenuItem(
            gettext_lazy("学分转换规则"), "rule", "creditbank-rules", Capability.CREDIT_REVIEW
        ),
        MenuItem(
            gettext_lazy("学分互认"),
            "handshake",
            "creditbank-recognitions",
            Capability.CREDIT_REVIEW,
        ),
        MenuItem(
            gettext_lazy("学分银行统计"), "bar_chart", "creditbank-stats", Capability.CREDIT_BANK
        ),
        MenuItem(
            gettext_lazy("学分银行统计"), "bar_chart", "creditbank-stats", Capability.CREDIT_REVIEW
        ),
    ],
)
