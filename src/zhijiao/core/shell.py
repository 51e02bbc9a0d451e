"""The shell around every page: sidebar by role, the demo banner, and the home page by role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _

from zhijiao.core.access import MENUS
from zhijiao.orgs.roles import Capability, Role


def environment_callback(request: HttpRequest) -> list[str] | None:
    if settings.ZHIJIAO_DEMO:
        return [_("演示环境 · 数据为虚构"), "warning"]
    return None


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    return context


def _can(capability: Capability):  # type: ignore[no-untyped-def]
    def check(request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and request.user.can(capability))  # type: ignore[union-attr]

    return check


# An item carrying this key has its title made per request by the function it names.
PERSONAL = "zhijiao_personal_title"


def _notifications_title(request: HttpRequest) -> str:
    if not request.user.is_authenticated:
        return _("站内通知")
    count = request.user.notifications.filter(read_at__isnull=True).count()  # type: ignore[union-attr]
    return _("站内通知（{count} 条未读）").format(count=count) if count else _("站内通知")


def sidebar_navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The sidebar: each group and item appears only for roles holding its capability."""
    groups: list[dict[str, Any]] = [
        {
            "title": _("督查督办"),
            "items": [
                {
                    "title": _("督查总览"),
                    "icon": "monitoring",
                    "link": reverse_lazy("admin:plan-dashboard"),
                    "permission": _can(Capability.PLAN_VIEW_ALL),
                    "active": lambda r: r.path == reverse("admin:plan-dashboard"),
                },
                {
                    "title": _("我的工作台"),
                    "icon": "assignment_ind",
                    "link": reverse_lazy("admin:plan-workspace"),
                    "permission": _can(Capability.PLAN_REPORT),
                },
                {
                    "title": _("任务清单"),
                    "icon": "checklist",
                    "link": reverse_lazy("admin:plan-tasks"),
                    "permission": _can(Capability.PLAN_VIEW),
                },
                {
                    "title": _("待审核"),
                    "icon": "fact_check",
                    "link": reverse_lazy("admin:plan-review"),
                    "permission": _can(Capability.PLAN_REVIEW),
                },
                {
                    "title": _("督查通报"),
                    "icon": "description",
                    "link": reverse_lazy("admin:plan-bulletins"),
                    "permission": _can(Capability.PLAN_BULLETIN),
                },
                {
                    "title": _("导入进展"),
                    "icon": "upload_file",
                    "link": reverse_lazy("admin:plan-import"),
                    "permission": _can(Capability.PLAN_REPORT),
                },
                {
                    "title": _("一校一案"),
                    "icon": "school",
                    "link": reverse_lazy("admin:plan-school-plan"),
                    "permission": lambda r: (
                        _can(Capability.SCHOOL_PLAN)(r) or _can(Capability.PLAN_VIEW_ALL)(r)
                    ),
                },
                {
                    "title": _("督办规则"),
                    "icon": "rule",
                    "link": reverse_lazy("admin:plan-rules"),
                    "permission": _can(Capability.PLAN_MANAGE),
                },
            ],
        },
        {
            "title": _("目标监测"),
            "items": [
                {
                    "title": _("目标监测总览"),
                    "icon": "flag",
                    "link": reverse_lazy("admin:indicators-overview"),
                    "permission": _can(Capability.TARGETS_VIEW),
                },
                {
                    "title": _("数据填报"),
                    "icon": "edit_note",
                    "link": reverse_lazy("admin:indicators-entry"),
                    "permission": _can(Capability.DATA_ENTER),
                },
                {
                    "title": _("数据审核"),
                    "icon": "approval",
                    "link": reverse_lazy("admin:indicators-approvals"),
                    "permission": lambda r: (
                        _can(Capability.DATA_APPROVE)(r) or _can(Capability.INDICATORS_MANAGE)(r)
                    ),
                },
                {
                    "title": _("报送完整性与及时性"),
                    "icon": "schedule",
                    "link": reverse_lazy("admin:indicators-timeliness"),
                    "permission": _can(Capability.TARGETS_VIEW),
                },
                {
                    "title": _("延期填报"),
                    "icon": "more_time",
                    "link": reverse_lazy("admin:indicators-extensions"),
                    "permission": _can(Capability.INDICATORS_MANAGE),
                },
                {
                    "title": _("目标与指标配置"),
                    "icon": "tune",
                    "link": reverse_lazy("admin:indicators_target_changelist"),
                    "permission": _can(Capability.INDICATORS_MANAGE),
                },
                {
                    "title": _("数据集与数据项"),
                    "icon": "dataset",
                    "link": reverse_lazy("admin:indicators_dataset_changelist"),
                    "permission": _can(Capability.INDICATORS_MANAGE),
                },
            ],
        },
        *(
            {
                "title": title,
                "items": [
                    {
                        "title": item.title,
                        "icon": item.icon,
                        "link": reverse_lazy(f"admin:{item.page}"),
                        "permission": _can(item.capability),
                    }
                    for item in items
                ],
            }
            for title, items in MENUS
        ),
        {
            "title": _("平台管理"),
            "items": [
                {
                    "title": _("单位"),
                    "icon": "apartment",
                    "link": reverse_lazy("admin:orgs_unit_changelist"),
                    "permission": _can(Capability.ORGS_MANAGE),
                },
                {
                    "title": _("单位组"),
                    "icon": "workspaces",
                    "link": reverse_lazy("admin:orgs_unitgroup_changelist"),
                    "permission": _can(Capability.ORGS_MANAGE),
                },
                {
                    "title": _("用户"),
                    "icon": "group",
                    "link": reverse_lazy("admin:orgs_user_changelist"),
                    "permission": lambda r: (
                        _can(Capability.ORGS_MANAGE)(r) or _can(Capability.SECURITY_MANAGE)(r)
                    ),
                },
                {
                    "title": _("API 令牌"),
                    "icon": "key",
                    "link": reverse_lazy("admin:orgs_apitoken_changelist"),
                    "permission": _can(Capability.SECURITY_MANAGE),
                },
                {
                    "title": _("审计日志"),
                    "icon": "policy",
                    "link": reverse_lazy("admin:core_auditevent_changelist"),
                    "permission": _can(Capability.AUDIT_VIEW),
                },
            ],
        },
        {
            "title": _("我的"),
            "items": [
                {
                    "title": _("站内通知"),  # with the unread count, per request (below)
                    "icon": "notifications",
                    "link": reverse_lazy("admin:notifications"),
                    # The one part of the sidebar that is the user's own (see core.site).
                    PERSONAL: _notifications_title,
                },
                {
                    "title": _("后台任务"),
                    "icon": "pending_actions",
                    "link": reverse_lazy("admin:jobs"),
                    "permission": _can(Capability.JOBS_VIEW),
                },
            ],
        },
    ]
    return groups


HOME_BY_ROLE = {
    Role.PLAN_OFFICE: "admin:plan-dashboard",
    Role.UNIT_LIAISON: "admin:plan-workspace",
    Role.SCHOOL_CLERK: "admin:plan-workspace",
    Role.SYSTEM_ADMIN: "admin:orgs_unit_changelist",
    Role.SECURITY_ADMIN: "admin:orgs_user_changelist",
    Role.AUDIT_ADMIN: "admin:core_auditevent_changelist",
}


def home(request: HttpRequest, site: Any) -> HttpResponse:
    """The home page: each role starts where its work is."""
    target = HOME_BY_ROLE.get(Role(request.user.role)) if request.user.is_authenticated else None
    if target is not None:
        return redirect(reverse(target))
    return redirect(reverse("admin:notifications"))
