"""Who may use the people pages (merged into the matrix of ``zhijiao.core.access``)."""

from django.utils.translation import gettext_lazy

from zhijiao.core.access import APPROVERS, OFFICE, REPORTERS, Access, MenuItem
from zhijiao.orgs.roles import Capability

PAGES: dict[str, Access] = {
    "people-teachers": Access("教师库", REPORTERS, scoped=True),
    "people-teacher": Access("教师详情", REPORTERS, scoped=True),
    "people-teacher-new": Access("登记教师", REPORTERS, scoped=True, methods="GET POST"),
    "people-teacher-edit": Access("修改教师", REPORTERS, scoped=True, methods="GET POST"),
    "people-teacher-unmask": Access("查看教师完整身份证号、手机号（审计）", OFFICE, methods="POST"),
    "people-teacher-leave": Access("登记离职", REPORTERS, scoped=True, methods="POST"),
    "people-teacher-dual": Access("登记“双师型”认定", REPORTERS, scoped=True, methods="POST"),
    "people-teacher-dual-revoke": Access(
        "撤销“双师型”认定", REPORTERS, scoped=True, methods="POST"
    ),
    "people-teacher-practice": Access("登记企业实践", REPORTERS, scoped=True, methods="POST"),
    "people-teacher-evidence": Access("下载认定佐证", REPORTERS, scoped=True),
    "people-teachers-import": Access("导入教师", REPORTERS, scoped=True, methods="GET POST"),
    "people-teachers-export": Access("导出教师名单（脱敏）", REPORTERS, scoped=True),
    # students
    "people-students": Access("学生库", REPORTERS, scoped=True),
    "people-student": Access("学生详情", REPORTERS, scoped=True),
    "people-student-new": Access("登记学生", REPORTERS, scoped=True, methods="GET POST"),
    "people-student-edit": Access("修改学生", REPORTERS, scoped=True, methods="GET POST"),
    "people-student-unmask": Access("查看学生完整身份证号（审计）", OFFICE, methods="POST"),
    "people-students-import": Access("导入学生", REPORTERS, scoped=True, methods="GET POST"),
    "people-students-export": Access("导出学生名单（脱敏）", REPORTERS, scoped=True),
    # 技能雏鹰
    "people-eaglets": Access("“技能雏鹰”评选", REPORTERS),
    "people-eaglet-round-new": Access("创建“技能雏鹰”评选", OFFICE, methods="GET POST"),
    "people-eaglet-round": Access("评选详情与推荐名额", REPORTERS, scoped=True),
    "people-eaglet-round-edit": Access("修改评选设置", OFFICE, methods="GET POST"),
    "people-eaglet-quota": Access("分配推荐名额", OFFICE, methods="POST"),
    "people-eaglet-advance": Access(
        "推进评选阶段（推荐、联审、公示、公布）", OFFICE, methods="POST"
    ),
    "people-eaglet-nominations": Access("推荐名单与联审", REPORTERS, scoped=True),
    "people-eaglet-nominate": Access("推荐学生", REPORTERS, scoped=True, methods="GET POST"),
    "people-eaglet-review-many": Access(
        "批量联审、确定拟表彰", APPROVERS, scoped=True, methods="POST"
    ),
    "people-eaglet-export": Access("导出推荐名单", REPORTERS, scoped=True),
    "people-eaglet-notice": Access("下载公示或公布名单（Word）", REPORTERS),
    "people-nomination": Access("推荐详情", REPORTERS, scoped=True),
    "people-nomination-review": Access("联审意见", APPROVERS, scoped=True, methods="POST"),
    "people-nomination-withdraw": Access("撤回推荐", REPORTERS, scoped=True, methods="POST"),
    "people-nomination-propose": Access("确定拟表彰", OFFICE, methods="POST"),
    "people-nomination-unpropose": Access("取消拟表彰", OFFICE, methods="POST"),
    "people-nomination-objection": Access("登记公示异议", OFFICE, methods="POST"),
    "people-objection-resolve": Access("核查公示异议", OFFICE, methods="POST"),
    # competitions and awards
    "people-competitions": Access("赛事目录", REPORTERS),
    "people-competition": Access("赛事详情", REPORTERS, scoped=True),
    "people-competition-new": Access("登记赛事", REPORTERS, methods="GET POST"),
    "people-competition-edit": Access(
        "修改赛事（登记单位）", REPORTERS, scoped=True, methods="GET POST"
    ),
    "people-competitions-import": Access("导入赛事", REPORTERS, methods="GET POST"),
    "people-competitions-export": Access("导出赛事目录", REPORTERS),
    "people-awards": Access("获奖记录", REPORTERS, scoped=True),
    "people-award": Access("获奖详情", REPORTERS, scoped=True),
    "people-award-new": Access("登记获奖", REPORTERS, scoped=True, methods="GET POST"),
    "people-award-edit": Access("修改获奖", REPORTERS, scoped=True, methods="GET POST"),
    "people-awards-import": Access("导入获奖", REPORTERS, scoped=True, methods="GET POST"),
    "people-awards-export": Access("导出获奖记录（脱敏）", REPORTERS, scoped=True),
    # social training
    "people-training": Access("社会培训", REPORTERS, scoped=True),
    "people-training-record": Access("社会培训详情", REPORTERS, scoped=True),
    "people-training-new": Access("登记社会培训", REPORTERS, scoped=True, methods="GET POST"),
    "people-training-edit": Access("修改社会培训", REPORTERS, scoped=True, methods="GET POST"),
    "people-training-import": Access("导入社会培训", REPORTERS, scoped=True, methods="GET POST"),
    "people-training-export": Access("导出社会培训", REPORTERS, scoped=True),
    # majors and 贯通
    "people-majors": Access("专业建设", REPORTERS, scoped=True),
    "people-major": Access("专业详情", REPORTERS, scoped=True),
    "people-major-new": Access("登记专业", REPORTERS, scoped=True, methods="GET POST"),
    "people-major-edit": Access("修改专业", REPORTERS, scoped=True, methods="GET POST"),
    "people-major-recognition": Access("登记专业认定", REPORTERS, scoped=True, methods="POST"),
    "people-recognition-revoke": Access("撤销专业认定", REPORTERS, scoped=True, methods="POST"),
    "people-majors-import": Access("导入专业", REPORTERS, scoped=True, methods="GET POST"),
    "people-majors-export": Access("导出专业", REPORTERS, scoped=True),
    "people-through": Access("中高职贯通", REPORTERS, scoped=True),
    "people-through-programme": Access("贯通项目详情", REPORTERS, scoped=True),
    "people-through-new": Access("登记贯通项目", REPORTERS, scoped=True, methods="GET POST"),
    "people-through-edit": Access("修改贯通项目", REPORTERS, scoped=True, methods="GET POST"),
    "people-through-year": Access("登记贯通年度招生", REPORTERS, scoped=True, methods="POST"),
    "people-through-import": Access("导入贯通年度招生", REPORTERS, scoped=True, methods="GET POST"),
    "people-through-export": Access("导出贯通年度招生", REPORTERS, scoped=True),
    # teams and bases
    "people-teams": Access("教师教学创新团队", REPORTERS, scoped=True),
    "people-team": Access("团队详情", REPORTERS, scoped=True),
    "people-team-new": Access("登记教学创新团队", REPORTERS, scoped=True, methods="GET POST"),
    "people-team-edit": Access("修改教学创新团队", REPORTERS, scoped=True, methods="GET POST"),
    "people-teams-import": Access("导入教学创新团队", REPORTERS, scoped=True, methods="GET POST"),
    "people-teams-export": Access("导出教学创新团队", REPORTERS, scoped=True),
    "people-bases": Access("“双师型”教师培养培训基地", REPORTERS, scoped=True),
    "people-base": Access("基地详情", REPORTERS, scoped=True),
    "people-base-new": Access("登记基地", REPORTERS, scoped=True, methods="GET POST"),
    "people-base-edit": Access("修改基地", REPORTERS, scoped=True, methods="GET POST"),
    "people-bases-import": Access("导入基地", REPORTERS, scoped=True, methods="GET POST"),
    "people-bases-export": Access("导出基地", REPORTERS, scoped=True),
}

API: dict[tuple[str, str], Access] = {
    ("GET", "/api/v1/people/teachers"): Access("教师库（脱敏）", REPORTERS, scoped=True),
    ("GET", "/api/v1/people/students"): Access("学生库（脱敏）", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/students"): Access("登记学生", REPORTERS, scoped=True),
    ("GET", "/api/v1/people/eaglets/rounds"): Access("“技能雏鹰”评选", REPORTERS),
    ("GET", "/api/v1/people/eaglets/nominations"): Access(
        "“技能雏鹰”推荐名单", REPORTERS, scoped=True
    ),
    ("POST", "/api/v1/people/eaglets/nominations"): Access("推荐学生", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/eaglets/reviews"): Access("联审意见", APPROVERS, scoped=True),
    ("GET", "/api/v1/people/competitions"): Access("赛事目录", REPORTERS),
    ("POST", "/api/v1/people/competitions"): Access("登记赛事", REPORTERS),
    ("GET", "/api/v1/people/awards"): Access("获奖记录", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/awards"): Access("登记获奖", REPORTERS, scoped=True),
    ("GET", "/api/v1/people/training"): Access("社会培训", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/training"): Access("登记社会培训", REPORTERS, scoped=True),
    ("GET", "/api/v1/people/majors"): Access("专业与认定", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/majors"): Access("登记专业", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/majors/recognitions"): Access("登记专业认定", REPORTERS, scoped=True),
    ("GET", "/api/v1/people/through"): Access("中高职贯通项目", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/through"): Access("登记贯通项目", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/through/enrolment"): Access(
        "登记贯通年度招生", REPORTERS, scoped=True
    ),
    ("GET", "/api/v1/people/teams"): Access("教学创新团队", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/teams"): Access("登记教学创新团队", REPORTERS, scoped=True),
    ("GET", "/api/v1/people/bases"): Access("“双师型”教师培养培训基地", REPORTERS, scoped=True),
    ("POST", "/api/v1/people/bases"): Access("登记基地", REPORTERS, scoped=True),
}

MENU = (
    gettext_lazy("人员与成果"),
    [
        MenuItem(gettext_lazy("教师库"), "badge", "people-teachers", Capability.PEOPLE_VIEW),
        MenuItem(
            gettext_lazy("导入教师"),
            "upload_file",
            "people-teachers-import",
            Capability.PEOPLE_MANAGE,
        ),
        MenuItem(gettext_lazy("学生库"), "school", "people-students", Capability.PEOPLE_VIEW),
        MenuItem(
            gettext_lazy("“技能雏鹰”评选"),
            "military_tech",
            "people-eaglets",
            Capability.PEOPLE_VIEW,
        ),
        MenuItem(
            gettext_lazy("赛事与获奖"), "emoji_events", "people-awards", Capability.PEOPLE_VIEW
        ),
        MenuItem(gettext_lazy("社会培训"), "groups", "people-training", Capability.PEOPLE_VIEW),
        MenuItem(gettext_lazy("专业建设"), "category", "people-majors", Capability.PEOPLE_VIEW),
        MenuItem(gettext_lazy("中高职贯通"), "alt_route", "people-through", Capability.PEOPLE_VIEW),
        MenuItem(
            gettext_lazy("教师教学创新团队"), "diversity_3", "people-teams", Capability.PEOPLE_VIEW
        ),
        MenuItem(
            gettext_lazy("“双师型”教师培养培训基地"),
            "apartment",
            "people-bases",
            Capability.PEOPLE_VIEW,
        ),
    ],
)
