"""`zhijiao demo`: the city's units, one user per role and a believable reporting history.

Everything it writes is fictitious and the site says so on every page (ZHIJIAO_DEMO). The history
is generated with a fixed seed, so two demos look the same; it runs once (a second run says so).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role
from zhijiao.plan import selectors, services
from zhijiao.plan.loader import plan_sync_groups
from zhijiao.plan.models import (
    ExtensionRequest,
    ExtensionStatus,
    Plan,
    ProgressReport,
    ReportEvent,
    ReportStatus,
    Responsibility,
    ReviewAction,
    SchoolPlan,
    Task,
)

DEMO_PASSWORD = "Zhijiao#2026demo"  # noqa: S105 - printed in the README, demo only

SCHOOLS = [
    ("江阴职业技术学院", "江阴职院", "教育局"),
    ("江阴中等专业学校", "江阴中专", "教育局"),
    ("江阴市华姿中等专业学校", "华姿中专", "教育局"),
    ("江阴开放大学", "江阴开大", "教育局"),
]
ENTERPRISES = ["澄江特钢股份有限公司（演示）", "长江新材料科技有限公司（演示）"]

USERS = [
    ("office", "王主任", Role.PLAN_OFFICE, "教育局"),
    ("jyj", "李联络员", Role.UNIT_LIAISON, "教育局"),
    ("rsj", "张联络员", Role.UNIT_LIAISON, "人社局"),
    ("fgw", "陈联络员", Role.UNIT_LIAISON, "发改委"),
    ("gxj", "周联络员", Role.UNIT_LIAISON, "工信局"),
    ("swj", "吴联络员", Role.UNIT_LIAISON, "税务局"),
    ("jyzy", "赵老师", Role.SCHOOL_CLERK, "江阴职业技术学院"),
    ("jyzz", "钱老师", Role.SCHOOL_CLERK, "江阴中等专业学校"),
    ("cxjx", "孙老师", Role.SCHOOL_CLERK, "澄西技校"),
    ("qiye", "刘经理", Role.ENTERPRISE, ENTERPRISES[0]),
    ("zhuanjia", "郑教授", Role.EXPERT, None),
    ("xueyuan", "黄同学", Role.LEARNER, None),
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, None),
    ("secadmin", "安全管理员", Role.SECURITY_ADMIN, None),
    ("auditor", "审计管理员", Role.AUDIT_ADMIN, None),
]

# How the story of each task goes. Others complete on time, at a month drawn by the seed.
OVERDUE_TASKS = {7: 72, 14: 65}  # never completed; latest percent
LATE_COMPLETED = {12: dt.date(2023, 5, 18)}
EXTENDED = {  # task: (approved new deadline, reason, latest percent or None for no report at all)
    16: (
        dt.date(2027, 6, 30),
        "技工教育品牌专业评审由省里统一组织，评审批次推迟至2027年上半年。",
        60,
    ),
    25: (
        dt.date(2026, 12, 20),
        "社会服务能力绩效考核办法需与市财政绩效评价办法衔接，已完成征求意见稿。",
        85,
    ),
    23: (dt.date(2027, 6, 30), "待省级职业学校教师绩效工资核定办法出台后同步制定实施细则。", None),
}
MISSED_RECENT = {("科技局", 6): 3, ("工商联", 11): 1, ("财政局", 19): 2}

ACTIONS = [
    "召开专题推进会，明确责任分工和时间节点",
    "会同相关部门开展调研，形成工作方案初稿",
    "组织相关学校和企业座谈，收集意见建议",
    "按计划推进各项工作，阶段性目标基本完成",
    "完成年度工作总结，梳理存在问题和下一步举措",
    "开展督促检查，对进度滞后事项逐项销号",
    "印发实施细则并组织培训解读",
    "加强部门协同，落实经费和政策保障",
]


class Command(BaseCommand):
    help = "载入演示数据：单位、各角色演示账号、进展报告历史（数据均为虚构）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="以该日期为“今天”生成历史（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = selectors.current_plan()
        if plan is None:
            raise CommandError(
                _("请先载入实施方案：zhijiao loadplan data/plans/jiangyin-2021-vet-reform-plan.txt")
            )
        if User.objects.filter(username="office").exists():
            self.stdout.write(_("演示数据已存在，未重复载入。"))
            return
        today = (
            dt.date.fromisoformat(options["today"])
            if options.get("today")
            else timezone.localdate()
        )
        with transaction.atomic():
            self._units(plan)
            users = self._users()
            services.periods_ensure(plan=plan, through=today)
            count = self._history(plan, users, today)
            self._school_plans(plan, users)
            audit.record(AuditAction.CREATE, obj=plan, message=f"载入演示数据：进展报告 {count} 份")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            changes = services.warnings_refresh(plan=plan, today=today)
        self.stdout.write(
            _(
                "演示数据已载入：{users} 个账号，{reports} 份进展报告，{warnings} 条督办预警。"
            ).format(
                users=User.objects.count(),
                reports=count,
                warnings=len([c for c in changes if c.level]),
            )
        )
        self.stdout.write(
            _("演示账号密码均为 {password}（仅限演示）。").format(password=DEMO_PASSWORD)
        )

    def _units(self, plan: Plan) -> None:
        education = Unit.objects.get(name="教育局")
        labour = Unit.objects.get(name="人社局")
        for name, short, _parent in SCHOOLS:
            Unit.objects.get_or_create(
                name=name,
                defaults={"kind": UnitKind.SCHOOL, "short_name": short, "parent": education},
            )
        Unit.objects.filter(name="澄西技校").update(parent=labour, short_name="澄西技校")
        for name in ENTERPRISES:
            Unit.objects.get_or_create(name=name, defaults={"kind": UnitKind.ENTERPRISE})
        plan_sync_groups(plan)

    def _users(self) -> dict[str, User]:
        users = {}
        for username, name, role, unit_name in USERS:
            unit = Unit.objects.get(name=unit_name) if unit_name else None
            user = User(
                username=username,
                full_name=name,
                role=role,
                unit=unit,
                email=f"{username}@demo.zhijiao.invalid",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            users[username] = user
        return users

    def _history(self, plan: Plan, users: dict[str, User], today: dt.date) -> int:
        rng = random.Random(2021)  # noqa: S311 - demo data, not security
        office = users["office"]
        author_by_unit = {
            u.unit_id: u
            for u in users.values()
            if u.unit_id and u.role in (Role.UNIT_LIAISON, Role.SCHOOL_CLERK)
        }
        periods = [p for p in plan.periods.order_by("start") if p.start <= today]
        tasks = {t.pk: t for t in plan.tasks.all()}
        reports: list[ProgressReport] = []
        tz = timezone.get_current_timezone()
        done = {pk: self._completion_day(task, rng) for pk, task in sorted(tasks.items())}
        for resp in (
            Responsibility.objects.filter(task__plan=plan)
            .select_related("unit")
            .order_by("task__number", "position")
        ):
            task = tasks[resp.task_id]
            author = author_by_unit.get(resp.unit_id) or office
            done_on = done[task.pk]
            extension = EXTENDED.get(task.number)
            if extension and extension[2] is None:
                continue  # this task never got going: nobody reported on it
            missed_recent = MISSED_RECENT.get((resp.unit.name, task.number), 0)
            for index, period in enumerate(periods):
                if done_on is not None and period.start > done_on:
                    break
                from_end = len(periods) - index
                if from_end <= missed_recent + 1 and from_end > 1:
                    continue  # the recent periods this unit missed
                is_current = from_end == 1
                completes = (
                    resp.is_lead and done_on is not None and period.start <= done_on <= period.end
                )
                if not completes and is_current and rng.random() < 0.6:
                    continue  # the current period is still open: many have not reported yet
                if not completes and not is_current and rng.random() < 0.03:
                    continue
                late = rng.random() < 0.08
                if completes:
                    day = done_on
                elif late:
                    day = period.due + dt.timedelta(days=rng.randint(1, 9))
                else:
                    day = period.end + dt.timedelta(
                        days=rng.randint(0, (period.due - period.end).days)
                    )
                if is_current:
                    day = min(today, period.end)
                assert day is not None
                submitted = dt.datetime.combine(
                    day, dt.time(9 + rng.randint(0, 8), rng.randint(0, 59)), tzinfo=tz
                )
                progress = (index + 1) / max(1, len(periods))
                percent = self._percent(task, period, done_on, extension, progress)
                status = ReportStatus.APPROVED
                if completes:
                    status = ReportStatus.APPROVED
                elif from_end == 2 and rng.random() < 0.35:
                    status = ReportStatus.SUBMITTED
                elif from_end == 2 and rng.random() < 0.1:
                    status = ReportStatus.RETURNED
                elif is_current:
                    status = ReportStatus.DRAFT if rng.random() < 0.4 else ReportStatus.SUBMITTED
                reviewed = (
                    submitted + dt.timedelta(days=rng.randint(1, 4))
                    if status in (ReportStatus.APPROVED, ReportStatus.RETURNED)
                    else None
                )
                report = ProgressReport(
                    task=task,
                    unit_id=resp.unit_id,
                    period=period,
                    status=status,
                    narrative=self._narrative(resp.unit.name, task, rng, completes),
                    percent=100 if completes else percent,
                    milestone="",
                    claims_completion=completes,
                    author=author,
                    created_at=submitted,
                    submitted_at=None if status == ReportStatus.DRAFT else submitted,
                    first_submitted_at=None if status == ReportStatus.DRAFT else submitted,
                    reviewed_at=reviewed,
                    reviewer=office if reviewed else None,
                    review_comment="请补充量化数据和佐证材料后重新报送。"
                    if status == ReportStatus.RETURNED
                    else "",
                )
                reports.append(report)
                if completes:
                    break
        ProgressReport.objects.bulk_create(reports, batch_size=1000)
        event_rows = []
        for r in reports:
            if r.first_submitted_at:
                event_rows.append(
                    ReportEvent(
                        report=r,
                        action=ReviewAction.SUBMIT,
                        actor=r.author,
                        at=r.first_submitted_at,
                    )
                )
            if r.reviewed_at:
                action = (
                    ReviewAction.APPROVE
                    if r.status == ReportStatus.APPROVED
                    else ReviewAction.RETURN
                )
                event_rows.append(
                    ReportEvent(
                        report=r,
                        action=action,
                        actor=office,
                        at=r.reviewed_at,
                        comment=r.review_comment,
                    )
                )
        ReportEvent.objects.bulk_create(event_rows, batch_size=2000)
        self._extensions(plan, users, office, today)
        return len(reports)

    @staticmethod
    def _completion_day(task: Task, rng: random.Random) -> dt.date | None:
        if task.deadline is None or task.number in OVERDUE_TASKS or task.number in EXTENDED:
            return None
        if task.number in LATE_COMPLETED:
            return LATE_COMPLETED[task.number]
        if task.deadline.year == 2021:
            if rng.random() < 0.25:  # some of the first year's tasks finished a few months late
                return dt.date(2022, 1, 10) + dt.timedelta(days=rng.randint(0, 120))
            return dt.date(2021, 11, 20) + dt.timedelta(days=rng.randint(0, 38))
        start = dt.date(2022, 3, 1)
        return start + dt.timedelta(days=rng.randint(0, (task.deadline - start).days - 5))

    @staticmethod
    def _percent(
        task: Task, period: Any, done_on: dt.date | None, extension: Any, progress: float
    ) -> int:
        if task.deadline is None:
            return 0
        if done_on is not None:
            total = max(1, (done_on - dt.date(2021, 11, 1)).days)
            return min(95, int(100 * (period.end - dt.date(2021, 11, 1)).days / total))
        ceiling = OVERDUE_TASKS.get(task.number) or (extension[2] if extension else 90)
        return max(5, int(ceiling * progress))

    @staticmethod
    def _narrative(unit: str, task: Task, rng: random.Random, completes: bool) -> str:
        subject = task.text.split("。")[0].split("，")[0]
        if completes:
            return f"{unit}已完成“{subject}”各项工作，相关文件已印发，申请确认完成。"
        first, second = rng.sample(ACTIONS, 2)
        return f"{unit}围绕“{subject}”，本期{first}；{second}。"

    def _extensions(self, plan: Plan, users: dict[str, User], office: User, today: dt.date) -> None:
        for number, (new_deadline, reason, _percent) in EXTENDED.items():
            task = Task.objects.get(plan=plan, number=number)
            lead = (
                Responsibility.objects.filter(task=task, is_lead=True)
                .select_related("unit")
                .first()
            )
            assert lead is not None and task.deadline is not None
            requester = User.objects.filter(unit=lead.unit).first() or office
            asked = timezone.make_aware(
                dt.datetime.combine(min(today, task.deadline + dt.timedelta(days=-20)), dt.time(10))
            )
            ExtensionRequest.objects.create(
                task=task,
                unit=lead.unit,
                requested_by=requester,
                requested_at=asked,
                previous_deadline=task.deadline,
                requested_deadline=new_deadline,
                reason=reason,
                status=ExtensionStatus.APPROVED,
                decided_by=office,
                decided_at=asked + dt.timedelta(days=3),
                decision_comment="同意延期，请按新的时间节点抓好落实。",
            )
            task.extended_deadline = new_deadline
            task.save(update_fields=["extended_deadline"])
        # One request still waiting for the office.
        task = Task.objects.get(plan=plan, number=7)
        lead = Responsibility.objects.filter(task=task, is_lead=True).select_related("unit").first()
        assert lead is not None and task.deadline is not None
        ExtensionRequest.objects.create(
            task=task,
            unit=lead.unit,
            requested_by=User.objects.filter(unit=lead.unit).first() or office,
            previous_deadline=task.deadline,
            requested_deadline=dt.date(2027, 8, 31),
            reason="华姿中专校异地新建项目受用地报批影响，主体工程预计2027年暑期竣工。",
        )

    def _school_plans(self, plan: Plan, users: dict[str, User]) -> None:
        numbers = {
            "jyzy": [8, 9, 16, 18, 20, 27],
            "jyzz": [7, 9, 17, 18, 20, 27],
            "cxjx": [9, 16, 20, 27],
        }
        for username, task_numbers in numbers.items():
            user = users[username]
            assert user.unit is not None
            sp = SchoolPlan.objects.create(
                plan=plan,
                school=user.unit,
                title=f"{user.unit}推进职业教育改革创新实施方案（2021—2025年）",
                summary=(
                    f"{user.unit}对照全市实施方案，围绕立德树人、专业（群）建设、“双师型”教师队伍、"
                    "社会培训和现代学校制度建设，制定本校年度目标和责任清单，按季度自查。"
                ),
                updated_by=user,
                # Filed in the plan's first year, as task 27 asked.
                created_at=dt.datetime(2021, 12, 10, 10, tzinfo=timezone.get_current_timezone()),
            )
            sp.tasks.set(Task.objects.filter(plan=plan, number__in=task_numbers))
