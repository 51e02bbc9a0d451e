"""Pages shared by every module: background jobs and in-app notifications."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhijiao.orgs.roles import Capability

from . import listing
from .listing import ExportColumn
from .models import Job, JobStatus, Notification
from .pages import AuthedRequest, render_page, require
from .registry import ChoiceFilter, SearchFilter, YearFilter


def job_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.JOBS_VIEW)
    jobs = Job.objects.filter(started_by=request.user)[:50]
    running = any(j.status in (JobStatus.QUEUED, JobStatus.RUNNING) for j in jobs)
    template = "core/job_rows.html" if request.htmx else "core/job_list.html"  # type: ignore[attr-defined]
    return render_page(request, template, _("后台任务"), jobs=jobs, running=running)


def job_download(request: AuthedRequest, pk: int) -> FileResponse:
    require(request, Capability.JOBS_VIEW)
    job = Job.objects.filter(pk=pk, started_by=request.user, status=JobStatus.SUCCEEDED).first()
    if job is None or not job.result_file:
        raise Http404(_("未找到"))
    path = (Path(settings.MEDIA_ROOT) / job.result_file).resolve()
    if not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) or not path.exists():
        raise Http404(_("未找到"))
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name or path.name)


def notification_list(request: AuthedRequest) -> HttpResponse:
    """The user's own notifications, newest first: filtered by read or unread, year and words of
    the title or text, 50 a page; ``?format=xlsx`` exports the filtered list."""
    items = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    filters = [
        ChoiceFilter(
            "read",
            gettext_lazy("状态"),
            [("no", gettext_lazy("未读")), ("yes", gettext_lazy("已读"))],
            q=lambda value: Q(read_at__isnull=value == "no"),
        ),
        YearFilter("year", gettext_lazy("年度"), lambda year: Q(created_at__year=year)),
        SearchFilter(
            "q",
            gettext_lazy("关键词"),
            ("title__icontains", "body__icontains"),
            placeholder=gettext_lazy("标题或内容中的词"),
        ),
    ]
    if listing.wants_export(request):
        return listing.export_filtered(
            request,
            items,
            filters,
            columns=NOTIFICATION_EXPORT,
            title=_("站内通知"),
            object_type="core.Notification",
        )
    return render_page(
        request,
        "core/notifications.html",
        _("站内通知"),
        **listing.listing(request, items, filters),
    )


def _at(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


NOTIFICATION_EXPORT = [
    ExportColumn(gettext_lazy("时间"), 18, lambda n: _at(n.created_at)),
    ExportColumn(gettext_lazy("标题"), 40, lambda n: n.title),
    ExportColumn(gettext_lazy("内容"), 60, lambda n: n.body),
    ExportColumn(
        gettext_lazy("状态"), 8, lambda n: str(_("已读")) if n.read_at else str(_("未读"))
    ),
    ExportColumn(gettext_lazy("已读时间"), 18, lambda n: _at(n.read_at)),
]


@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    item = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if item is None:
        raise Http404(_("未找到"))
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    target = (
        item.link
        if item.link.startswith("/") and not item.link.startswith("//")
        else "/notifications/"
    )
    return redirect(target)


@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("/notifications/")


# What the platform holds about whom, and why (PIPL art. 17): (whom, what, why, the models).
# tests/core/test_privacy.py keeps it in step with the models that hold encrypted personal data.
PERSONAL_DATA_INVENTORY = [
    (
        gettext_lazy("平台账号"),
        gettext_lazy("用户名、姓名、所在单位、电子邮箱、登录记录和访问地址"),
        gettext_lazy("登录、权限控制、安全审计"),
        ["orgs.User"],
    ),
    (
        gettext_lazy("教师"),
        gettext_lazy(
            "姓名、身份证号、手机号、性别、出生年份、职称、技能等级、任教类别、“双师型”认定及佐证、企业实践"
        ),
        gettext_lazy("教师队伍登记，“双师型”教师比例等目标监测"),
        ["people.Teacher"],
    ),
    (
        gettext_lazy("学生"),
        gettext_lazy("姓名、身份证号、学校、专业、年级，竞赛获奖和“技能雏鹰”推荐材料"),
        gettext_lazy("竞赛获奖登记、“技能雏鹰”评选与公示"),
        ["people.Student"],
    ),
    (
        gettext_lazy("学分银行学习者"),
        gettext_lazy("姓名、身份证号、手机号、学习成果（证书、课程、培训、获奖）及佐证"),
        gettext_lazy("开户、成果认定与学分转换、成绩单及其核验"),
        ["creditbank.Learner"],
    ),
]


def privacy(request: HttpRequest) -> HttpResponse:
    """The public privacy notice (PIPL art. 17): what is processed, why, how, how long, rights."""
    return render(
        request,
        "core/privacy.html",
        {
            "controller": settings.ZHIJIAO_PRIVACY_CONTROLLER,
            "contact": settings.ZHIJIAO_PRIVACY_CONTACT,
            "inventory": PERSONAL_DATA_INVENTORY,
            "audit_days": settings.ZHIJIAO_AUDIT_RETENTION_DAYS,
            "demo": settings.ZHIJIAO_DEMO,
        },
    )


def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: answers 200 when the database answers, 503 otherwise. Public."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
