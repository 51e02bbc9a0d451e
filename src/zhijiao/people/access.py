"""Who may use the people pages (merged into the matrix of ``zhijiao.core.access``)."""

from zhijiao.core.access import OFFICE, REPORTERS, Access, MenuItem
from zhijiao.orgs.roles import Capability

PAGES: dict[str, Access] = {
    "people-teachers": Access("教师库", REPORTERS, scoped=True),
    "people-teacher": Access("教师详情", REPORTERS, scoped=True),
    "people-teacher-new": Access("登记教师", REPORTERS, scoped=True, methods="GET POST"),
    "people-teacher-edit": Access("修改教师", REPORTERS, scoped=True, methods="GET POST"),
    "people-teacher-unmask": Access("查看教师完整身份证号、手机号（审计）", OFFICE, methods="POST"),
    "people-teacher-leave": Access("登记离职", REPORTERS, scoped=True, methods="POST"),
    "people-teacher-dual": Access("登记双师型认定", REPORTERS, scoped=True, methods="POST"),
    "people-teacher-dual-revoke": Access("撤销双师型认定", REPORTERS, scoped=True, methods="POST"),
    "people-teacher-practice": Access("登记企业实践", REPORTERS, scoped=True, methods="POST"),
    "people-teacher-evidence": Access("下载认定佐证", REPORTERS, scoped=True),
    "people-teachers-import": Access("导入教师", REPORTERS, scoped=True, methods="GET POST"),
    "people-teachers-export": Access("导出教师名单（脱敏）", REPORTERS, scoped=True),
}

API: dict[tuple[str, str], Access] = {}

MENU = (
    "人员与成果",
    [
        MenuItem("教师库", "badge", "people-teachers", Capability.PEOPLE_VIEW),
        MenuItem("导入教师", "upload_file", "people-teachers-import", Capability.PEOPLE_MANAGE),
    ],
)
