"""Pages shared by every module: background jobs and in-app notifications."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhijiao.orgs.roles import Capability

from .models import Job, JobStatus, Notification
from .pages import AuthedRequest, render_page, require


def job_list(request: AuthedRequest) -> HttpResponse:
    require(request, Capability.JOBS_VIEW)
    jobs = Job.objects.filter(started_by=request.user)[:50]
    running = any(j.status in (JobStatus.QUEUED, JobStatus.RUNNING) for j in jobs)
    template = "core/job_rows.html" if request.htmx else "core/job_list.html"  # type: ignore[attr-defined]
    return render_page(request, template, "后台任务", jobs=jobs, running=running)


def job_download(request: AuthedRequest, pk: int) -> FileResponse:
    require(request, Capability.JOBS_VIEW)
    job = Job.objects.filter(pk=pk, started_by=request.user, status=JobStatus.SUCCEEDED).first()
    if job is None or not job.result_file:
        raise Http404("未找到")
    path = (Path(settings.MEDIA_ROOT) / job.result_file).resolve()
    if not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()) or not path.exists():
        raise Http404("未找到")
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.result_name or path.name)


def notification_list(request: AuthedRequest) -> HttpResponse:
    items = Notification.objects.filter(recipient=request.user)[:100]
    return render_page(request, "core/notifications.html", "站内通知", items=items)


@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    item = Notification.objects.filter(pk=pk, recipient=request.user).first()
    if item is None:
        raise Http404("未找到")
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


def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer: answers 200 when the database answers, 503 otherwise. Public."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
