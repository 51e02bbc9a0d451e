"""Background jobs: long work (documents, exports, imports) that reports its progress.

A service calls :func:`job_start` inside its transaction: the :class:`~zhijiao.core.models.Job`
row is created at once and the django-tasks task is enqueued only when the transaction commits,
so the worker never looks for a job that does not exist yet. The task receives ``job_id`` and the
job's ``params`` as keyword arguments and, in its body::

    with job_running(job_id):
        job_progress(job_id, 30, "正在汇总任务状态")
        path = job_result_path(job_id, ".docx")
        ...write the file...
        job_succeed(job_id, path, "督查通报.docx")

In the demo the db worker (``zhijiao db_worker``) runs tasks; in tests they run immediately.
Results live under ``MEDIA_ROOT/jobs/``, outside the web root, and are downloaded only by the user
who started the job (``core.views.job_download``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks.base import Task

from .errors import ServiceError
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

JOBS_DIR = "jobs"
UNEXPECTED_FAILURE = gettext_lazy("处理失败：系统内部错误，已记录日志，请稍后重试或联系系统管理员")
ENQUEUE_FAILURE = gettext_lazy("任务未能进入后台队列，请稍后重试或联系系统管理员")


def job_start(
    *, user: Any, kind: str, title: str, task_func: Task[..., Any], params: dict[str, Any]
) -> Job:
    """Creates a queued job for ``user`` and enqueues ``task_func(job_id=…, **params)`` on commit.

    ``params`` must be JSON values (ids, ISO dates): they are stored on the job and passed to
    the task through the queue.
    """
    job = Job.objects.create(kind=kind, title=title[:200], started_by=user, params=params)
    job_id = job.pk

    def enqueue() -> None:
        try:
            task_func.enqueue(job_id=job_id, **params)
        except Exception:  # the queue is down: say so on the job rather than lose it silently
            logger.exception("Could not enqueue job %s (%s)", job_id, kind)
            job_fail(job_id, str(ENQUEUE_FAILURE))

    transaction.on_commit(enqueue)
    return job


def _open(job_id: int) -> Any:
    return Job.objects.filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])


def job_progress(job_id: int, percent: int, message: str = "") -> None:
    """Records how far a running job has got (0–100) and what it is doing, for the jobs page."""
    percent = max(0, min(100, int(percent)))
    _open(job_id).update(status=JobStatus.RUNNING, progress=percent, message=message[:500])


def job_result_path(job_id: int, suffix: str) -> Path:
    """A fresh file path under MEDIA_ROOT/jobs/ for a job's result; its folder exists."""
    now = timezone.localtime()
    folder = Path(settings.MEDIA_ROOT) / JOBS_DIR / f"{now:%Y}" / f"{now:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    # The random part keeps result names unguessable even though they are served only to the owner.
    return folder / f"job-{job_id}-{secrets.token_hex(8)}{suffix}"


def job_succeed(job_id: int, path: Path | str, filename: str, message: str = "") -> None:
    """Marks a job done with its result file (a path under MEDIA_ROOT/jobs/) and download name."""
    message = message or _("已完成")
    root = Path(settings.MEDIA_ROOT).resolve()
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(root / JOBS_DIR):
        raise ValueError(f"Job results must be saved under {root / JOBS_DIR}: {resolved}")
    _open(job_id).update(
        status=JobStatus.SUCCEEDED,
        progress=100,
        message=message[:500],
        result_file=resolved.relative_to(root).as_posix(),
        result_name=filename[:200],
        finished_at=timezone.now(),
    )


def job_fail(job_id: int, message: str) -> None:
    """Marks a job failed with a message the user can read (in Chinese)."""
    _open(job_id).update(status=JobStatus.FAILED, message=message[:500], finished_at=timezone.now())


@contextmanager
def job_running(job_id: int) -> Iterator[None]:
    """Wraps a task body: marks the job running, and failed if the body raises.

    A :class:`ServiceError` is the user's to read and ends the job quietly with its message;
    anything else is logged and re-raised so the task backend records the traceback too.
    """
    job_progress(job_id, 0, _("开始处理"))
    try:
        yield
    except ServiceError as exc:
        job_fail(job_id, exc.message)
    except Exception:
        logger.exception("Job %s failed", job_id)
        job_fail(job_id, str(UNEXPECTED_FAILURE))
        raise
