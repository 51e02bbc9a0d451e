"""Who may use what: the declared permission matrix of every page and API route.

``tests/test_permissions.py`` walks every route for every role and checks the live answers against
this declaration; ``zhijiao permissionmatrix`` renders it as docs/permissions.md. A route missing
from here fails that test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhijiao.orgs.roles import Capability, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ALL = frozenset(Role)
OFFICE = frozenset({Role.PLAN_OFFICE})
REPORTERS = frozenset({Role.PLAN_OFFICE, Role.UNIT_LIAISON, Role.SCHOOL_CLERK})
SCHOOLS_AND_OFFICE = frozenset({Role.PLAN_OFFICE, Role.SCHOOL_CLERK})
APPROVERS = frozenset({Role.PLAN_OFFICE, Role.UNIT_LIAISON})
JOBS = frozenset(
    {Role.PLAN_OFFICE, Role.UNIT_LIAISON, Role.SCHOOL_CLERK, Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN}
)


@dataclass(frozen=True)
class MenuItem:
    """An entry of a module's sidebar group, shown to roles holding the capability."""

    title: StrOrPromise
    icon: str  # a Material Symbols name, as Unfold uses
    page: str  # the page's URL name
    capability: Capability


@dataclass(frozen=True)
class Access:
    title: str
    roles: frozenset[Role]
    scoped: bool = False  # rows or objects limited to the user's own unit (the office sees all)
    methods: str = "GET"


PAGES: dict[str, Access] = {
    "plan-dashboard": Access("督查总览", OFFICE),
    "plan-workspace": Access("我的工作台", REPORTERS, scoped=True),
    "plan-tasks": Access("任务清单", REPORTERS, scoped=True),
    "plan-task": Access("任务详情", REPORTERS, scoped=True),
    "plan-report-edit": Access("填报进展", REPORTERS, scoped=True, methods="GET POST"),
    "plan-extension-new": Access("申请延期", REPORTERS, scoped=True, methods="GET POST"),
    "plan-report": Access("进展报告", REPORTERS, scoped=True),
    "plan-report-submit": Access("报送进展报告", REPORTERS, scoped=True, methods="POST"),
    "plan-report-review": Access("审核进展报告", OFFICE, methods="POST"),
    "plan-evidence": Access("下载佐证材料", REPORTERS, scoped=True),
    "plan-review": Access("待审核", OFFICE),
    "plan-extension-decide": Access("审批延期", OFFICE, methods="POST"),
    "plan-school-plan": Access("一校一案", SCHOOLS_AND_OFFICE, scoped=True, methods="GET POST"),
    "plan-school-plan-document": Access("下载一校一案", SCHOOLS_AND_OFFICE, scoped=True),
    "plan-rules": Access("督办规则", OFFICE, methods="GET POST"),
    "plan-bulletins": Access("督查通报", OFFICE, methods="GET POST"),
    "plan-export": Access("导出任务清单", REPORTERS, scoped=True),
    "plan-import": Access("导入进展", REPORTERS, scoped=True, methods="GET POST"),
    "indicators-overview": Access("目标监测总览（含导出）", REPORTERS),
    "indicators-timeliness": Access("报送完整性与及时性", REPORTERS),
    "indicators-target": Access("目标详情", REPORTERS),
    "indicators-entry": Access("数据填报", REPORTERS, scoped=True),
    "indicators-form": Access("填报表", REPORTERS, scoped=True, methods="GET POST"),
    "indicators-template": Access("下载导入模板", REPORTERS, scoped=True),
    "indicators-import": Access("导入数据", REPORTERS, scoped=True, methods="GET POST"),
    "indicators-submission": Access("数据报送详情", REPORTERS, scoped=True),
    "indicators-submission-action": Access(
        "报送、审核、退回、撤销审定", REPORTERS, scoped=True, methods="POST"
    ),
    "indicators-approvals": Access("数据审核", APPROVERS, scoped=True),
    "indicators-extensions": Access("延期填报", OFFICE, methods="GET POST"),
    "indicators_dataelement_changelist": Access("数据项配置", OFFICE, methods="GET POST"),
    "indicators_dataset_changelist": Access("数据集配置", OFFICE, methods="GET POST"),
    "indicators_category_changelist": Access("分类配置", OFFICE, methods="GET POST"),
    "indicators_indicator_changelist": Access("指标配置", OFFICE, methods="GET POST"),
    "indicators_target_changelist": Access("目标配置", OFFICE, methods="GET POST"),
    "two-factor": Access("两步验证", ALL, methods="GET POST"),
    "jobs": Access("后台任务（本人）", JOBS, scoped=True),
    "job-download": Access("下载任务结果（本人）", JOBS, scoped=True),
    "notifications": Access("站内通知（本人）", ALL, scoped=True),
    "notification-read": Access("查看通知（本人）", ALL, scoped=True, methods="POST"),
    "notification-read-all": Access("全部已读（本人）", ALL, scoped=True, methods="POST"),
    "orgs_unit_changelist": Access("单位", frozenset({Role.SYSTEM_ADMIN}), methods="GET POST"),
    "orgs_unitgroup_changelist": Access(
        "单位组", frozenset({Role.SYSTEM_ADMIN}), methods="GET POST"
    ),
    "orgs_user_changelist": Access(
        "用户", frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}), methods="GET POST"
    ),
    "orgs_apitoken_changelist": Access("API 令牌", frozenset({Role.SECURITY_ADMIN})),
    "core_auditevent_changelist": Access(
        "审计日志（含导出）", frozenset({Role.AUDIT_ADMIN}), methods="GET POST"
    ),
}

API: dict[tuple[str, str], Access] = {
    ("GET", "/api/v1/me"): Access("当前用户", ALL),
    ("GET", "/api/v1/units"): Access("单位", ALL, scoped=True),
    ("GET", "/api/v1/plan/tasks"): Access("任务清单", REPORTERS, scoped=True),
    ("GET", "/api/v1/plan/tasks/{number}"): Access("任务详情", REPORTERS, scoped=True),
    ("GET", "/api/v1/plan/periods"): Access("报送周期", REPORTERS),
    ("POST", "/api/v1/plan/reports"): Access("保存进展报告草稿", REPORTERS, scoped=True),
    ("GET", "/api/v1/plan/reports/{report_id}"): Access("进展报告", REPORTERS, scoped=True),
    ("POST", "/api/v1/plan/reports/{report_id}/submit"): Access(
        "报送进展报告", REPORTERS, scoped=True
    ),
    ("POST", "/api/v1/plan/reports/{report_id}/review"): Access("审核进展报告", OFFICE),
    ("POST", "/api/v1/plan/reports/{report_id}/evidence"): Access(
        "上传佐证材料", REPORTERS, scoped=True
    ),
    ("GET", "/api/v1/targets"): Access("目标进展", REPORTERS),
    ("GET", "/api/v1/data/values"): Access("读取数据值", REPORTERS, scoped=True),
    ("POST", "/api/v1/data/values"): Access("写入数据值", REPORTERS, scoped=True),
}

PUBLIC = {
    "/login/": "登录",
    "/healthz": "健康检查（负载均衡）",
    "/privacy/": "个人信息保护说明",
    "/api/v1/openapi.json": "OpenAPI 文档",
    "/api/v1/docs": "接口文档页",
}

# Each module declares its own pages, routes and sidebar group in ``<module>/access.py``
# (``PAGES``, ``API``, ``MENU = (group title, [MenuItem, ...])``, and optionally ``PUBLIC``,
# the addresses it serves without sign-in); they join the matrix here.
MODULES = (
    "zhijiao.people",
    "zhijiao.cooperation",
    "zhijiao.talent",
    "zhijiao.creditbank",
    "zhijiao.evaluation",
)
MENUS: list[tuple[StrOrPromise, list[MenuItem]]] = []


def merge_modules() -> None:
    """Adds each module's declarations to the matrix; run once, from ``CoreConfig.ready()``.

    Not at import time: a module's ``access.py`` may import code (a registry kit, services) that
    itself imports this module, and every app's models must be loaded first.
    """
    from importlib import import_module

    if MENUS:
        return
    for module in MODULES:
        declared = import_module(f"{module}.access")
        PAGES.update(declared.PAGES)
        API.update(declared.API)
        PUBLIC.update(getattr(declared, "PUBLIC", {}))
        if getattr(declared, "MENU", None):
            MENUS.append(declared.MENU)


def render_markdown() -> str:
    roles = list(Role)
    head = "| 页面或接口 | 方法 | " + " | ".join(str(r.label) for r in roles) + " |"
    rule = "|---|---|" + "---|" * len(roles)

    def row(name: str, access: Access, methods: str) -> str:
        marks = [
            "✓（本单位）"
            if r in access.roles and access.scoped and r != Role.PLAN_OFFICE
            else "✓"
            if r in access.roles
            else "—"
            for r in roles
        ]
        return f"| {name} | {methods} | " + " | ".join(marks) + " |"

    lines = [
        "# 权限矩阵（自动生成：`zhijiao permissionmatrix`）",
        "",
        "✓ 可用；✓（本单位）只能看到和操作本单位的数据（工作专班看到全部）；— 拒绝（页面 403，接口 403）。"
        "超出数据范围的对象一律按不存在处理（404）。未登录访问页面转到登录页，访问接口得到 401。",
        "",
        "## 页面",
        "",
        head,
        rule,
        *(row(f"{a.title} `{name}`", a, a.methods) for name, a in PAGES.items()),
        "",
        "## 接口 /api/v1/",
        "",
        head,
        rule,
        *(row(f"{a.title} `{path}`", a, method) for (method, path), a in API.items()),
        "",
        "## 公开（无需登录）",
        "",
        *(f"- `{path}`：{title}" for path, title in PUBLIC.items()),
        "",
    ]
    return "\n".join(lines)
