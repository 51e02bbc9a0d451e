"""Writes of the indicators app: entering values, reporting, multi-level approval, extensions.

Each service is atomic, checks who may act (capability and unit scope), refuses bad input with a
Chinese message before changing anything, and writes its audit row and history itself.

Approval goes up the unit tree: a unit with a supervising bureau (its parent, e.g. a school under
教育局) is approved first by that bureau, then by the plan office; a unit without one goes to the
plan office directly. Approved data is locked until the office un-approves it with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction
from zhijiao.core.notify import notify
from zhijiao.core.periods import Period, PeriodError
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability, Role, require_capability

from . import selectors
from .data import CellError, IndicatorErrorCode
from .models import (
    DataElement,
    DataSet,
    DataSetExtension,
    DataValue,
    Severity,
    Submission,
    SubmissionAction,
    SubmissionEvent,
    SubmissionStatus,
    ValueSource,
    ValueType,
)

BOOLEAN_TRUE = {"是", "1", "TRUE", "Y", "YES", "有", "√"}
BOOLEAN_FALSE = {"否", "0", "FALSE", "N", "NO", "无", "×"}
MAX_TEXT = 2000
FILE_MAX_BYTES = 10 * 1024 * 1024


class ValuesRejected(ServiceError):
    """Some values were not acceptable; ``errors`` says which and why. Nothing was saved."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(
            IndicatorErrorCode.INVALID_VALUE,
            _("有 {count} 处数据不符合要求，未保存。请按提示修改。").format(count=len(errors)),
        )
        self.errors = errors


def _error(code: IndicatorErrorCode, message: str, status: int = 400) -> ServiceError:
    return ServiceError(code, message, status_code=status)


# ---------------------------------------------------------------- values


def value_parse(element: DataElement, raw: Any) -> tuple[Decimal | None, str]:
    """A typed value from what a person or a spreadsheet gave: (number, text).

    Raises ValueError with a Chinese message naming the rule broken. Empty input is (None, "").
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    kind = element.value_type
    if kind == ValueType.TEXT:
        text = str(raw).strip()
        if len(text) > MAX_TEXT:
            raise ValueError(_("文字不能超过 {count} 字").format(count=MAX_TEXT))
        return None, text
    if kind == ValueType.FILE:
        raise ValueError(_("文件只能在网页上逐项上传"))
    if kind == ValueType.BOOLEAN:
        if isinstance(raw, bool):
            return Decimal(int(raw)), ""
        text = str(raw).strip().upper()
        if text.endswith(".0"):
            text = text[:-2]
        if text in BOOLEAN_TRUE:
            return Decimal(1), ""
        if text in BOOLEAN_FALSE:
            return Decimal(0), ""
        raise ValueError(_("应填“是”或“否”"))
    if isinstance(raw, bool):
        raise ValueError(_("应填数字"))
    text = str(raw).strip().replace(",", "").replace("，", "")
    if kind == ValueType.PERCENTAGE:
        text = text.rstrip("%％").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“{raw}”不是数字").format(raw=raw)) from None
    if not number.is_finite():
        raise ValueError(_("“{raw}”不是数字").format(raw=raw))
    if kind == ValueType.INTEGER and number != number.to_integral_value():
        raise ValueError(_("应填整数"))
    if kind == ValueType.PERCENTAGE and not (0 <= number <= 100):
        raise ValueError(_("百分比应在 0 到 100 之间（填 85 表示 85%）"))
    if element.min_value is not None and number < element.min_value:
        raise ValueError(_("不能小于 {minimum:f}").format(minimum=element.min_value.normalize()))
    if element.max_value is not None and number > element.max_value:
        raise ValueError(_("不能大于 {maximum:f}").format(maximum=element.max_value.normalize()))
    if abs(number) >= Decimal("1e16"):
        raise ValueError(_("数值过大"))
    return number.quantize(Decimal("0.0001")), ""


def unit_in_scope(user: User, unit: Unit) -> bool:
    return user.sees_all_units or unit.pk == user.unit_id or unit.parent_id == user.unit_id


def _period(data_set: DataSet, period_code: str) -> Period:
    try:
        return selectors.period_of(data_set, period_code)
    except PeriodError as exc:
        raise _error(IndicatorErrorCode.BAD_PERIOD, str(exc)) from exc


def correctable(submission: Submission | None) -> bool:
    """Data sent back after it was reported (returned or un-approved) may be corrected and
    reported again even if its period has closed meanwhile: the unit did report on time."""
    return submission is not None and submission.status == SubmissionStatus.RETURNED


def check_entry_allowed(
    *,
    user: User,
    data_set: DataSet,
    unit: Unit,
    period: Period,
    today: dt.date | None = None,
    submission: Submission | None = None,
) -> None:
    """Refuses entry for units outside the user's scope, units that do not report this data
    set, and periods not yet open or already closed (unless extended for the unit, or the data
    was sent back for correction)."""
    require_capability(user, Capability.DATA_ENTER, _("您的角色不能填报数据"))
    if not unit_in_scope(user, unit):
        raise _error(
            IndicatorErrorCode.NOT_ALLOWED, _("您不能填报{unit}的数据").format(unit=unit), 403
        )
    if not data_set.is_active or not selectors.reports(data_set, unit.pk):
        raise _error(
            IndicatorErrorCode.NOT_REPORTING_UNIT,
            _("{unit}不是“{data_set}”的填报单位").format(unit=unit, data_set=data_set.name),
        )
    if correctable(submission):
        return
    today = today or timezone.localdate()
    window = selectors.entry_window(data_set, period, unit.pk)
    state = window.state(today)
    if state == "not_open":
        raise _error(
            IndicatorErrorCode.PERIOD_NOT_OPEN,
            _("{period}的“{data_set}”自 {opens:%Y-%m-%d} 起开放填报").format(
                period=period.label, data_set=data_set.name, opens=window.opens
            ),
        )
    if state == "closed":
        raise _error(
            IndicatorErrorCode.PERIOD_CLOSED,
            _(
                "{period}的“{data_set}”已于 {last_day:%Y-%m-%d} 关闭填报，如需补报请向工作专班申请延期"
            ).format(period=period.label, data_set=data_set.name, last_day=window.last_day),
        )


def _submission_for_update(data_set: DataSet, unit: Unit, period: Period) -> Submission:
    submission, _created = Submission.objects.get_or_create(
        data_set=data_set,
        unit=unit,
        period_code=period.code,
        defaults={"period_start": period.start, "period_end": period.end},
    )
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("data_set", "unit")
        .get(pk=submission.pk)
    )


def _require_editable(submission: Submission) -> None:
    if submission.status == SubmissionStatus.APPROVED:
        raise _error(
            IndicatorErrorCode.LOCKED,
            _("{unit}{period}的数据已审定锁定，需由工作专班撤销审定后才能修改").format(
                unit=submission.unit, period=submission.period_label
            ),
            409,
        )
    if not submission.is_editable:
        raise _error(
            IndicatorErrorCode.LOCKED,
            _("{unit}{period}的数据已报送，正在审核，不能修改").format(
                unit=submission.unit, period=submission.period_label
            ),
            409,
        )


def parse_values(
    data_set: DataSet, values: Mapping[tuple[str, str], Any]
) -> tuple[dict[tuple[DataElement, str], tuple[Decimal | None, str]], list[CellError]]:
    """Checks values keyed by (element code, option code) against the data set's elements."""
    members = {m.element.code: m.element for m in selectors.data_set_elements(data_set)}
    parsed: dict[tuple[DataElement, str], tuple[Decimal | None, str]] = {}
    errors: list[CellError] = []
    for (code, option), raw in values.items():
        element = members.get(code.upper())
        if element is None:
            errors.append(
                CellError(
                    code,
                    option,
                    _("数据项“{code}”不属于“{data_set}”").format(code=code, data_set=data_set.name),
                )
            )
            continue
        if element.source:
            errors.append(
                CellError(
                    code,
                    option,
                    _("“{element}”由系统自动计算，不需填报").format(element=element.name),
                )
            )
            continue
        options = element.option_codes()
        option = (option or "").upper()
        if options and option not in options:
            errors.append(
                CellError(
                    code,
                    option,
                    _("“{element}”须按{category}分类填报，“{option}”不是它的分类").format(
                        element=element.name, category=element.category, option=option or _("合计")
                    ),
                )
            )
            continue
        if not options and option:
            errors.append(
                CellError(
                    code,
                    option,
                    _("“{element}”没有分类“{option}”").format(element=element.name, option=option),
                )
            )
            continue
        try:
            parsed[(element, option)] = value_parse(element, raw)
        except ValueError as exc:
            errors.append(
                CellError(
                    code, option, _("“{element}”：{exc}").format(element=element.name, exc=exc)
                )
            )
    return parsed, errors


@transaction.atomic
def values_save(
    *,
    user: User,
    data_set: DataSet,
    unit: Unit,
    period_code: str,
    values: Mapping[tuple[str, str], Any],
    files: Mapping[tuple[str, str], UploadedFile] | None = None,
    source: ValueSource = ValueSource.WEB,
) -> Submission:
    """Saves a unit's values for a period (empty input clears a value). All or nothing."""
    period = _period(data_set, period_code)
    stored = (
        Submission.objects.select_for_update(of=("self",))
        .filter(data_set=data_set, unit=unit, period_code=period.code)
        .first()
    )
    check_entry_allowed(user=user, data_set=data_set, unit=unit, period=period, submission=stored)
    parsed, errors = parse_values(data_set, values)
    file_values = _files(data_set, files or {}, errors)
    if errors:
        raise ValuesRejected(errors)
    if (
        stored is None
        and not file_values
        and all(number is None and not text for number, text in parsed.values())
    ):
        raise _error(IndicatorErrorCode.INVALID_INPUT, _("没有填写任何数据，未保存"))
    submission = _submission_for_update(data_set, unit, period)
    _require_editable(submission)
    existing = {(v.element_id, v.option_code): v for v in submission.values.all()}
    changes: dict[str, list[Any]] = {}
    now = timezone.now()
    for (element, option), (number, text) in parsed.items():
        label = element.code + (f".{option}" if option else "")
        current = existing.get((element.pk, option))
        if number is None and not text:
            if current is not None and not current.file:
                changes[label] = [_shown(current), None]
                current.delete()
            continue
        if current is None:
            DataValue.objects.create(
                submission=submission,
                element=element,
                option_code=option,
                number=number,
                text=text,
                updated_at=now,
            )
            changes[label] = [None, _shown_raw(number, text)]
        elif current.number != number or current.text != text:
            changes[label] = [_shown(current), _shown_raw(number, text)]
            current.number, current.text, current.updated_at = number, text, now
            current.save(update_fields=["number", "text", "updated_at"])
    for (element, option), upload in file_values.items():
        label = element.code + (f".{option}" if option else "")
        value, _created = DataValue.objects.get_or_create(
            submission=submission, element=element, option_code=option
        )
        value.file.save(upload.name or "file", upload, save=False)
        value.text, value.updated_at = (upload.name or "")[:200], now
        value.save(update_fields=["file", "text", "updated_at"])
        changes[label] = [None, value.text]
    if changes:
        _touch(submission, source, now)
        SubmissionEvent.objects.create(
            submission=submission,
            action=SubmissionAction.SAVE,
            actor=user,
            from_status=submission.status,
            to_status=submission.status,
            comment=_("修改 {count} 项（{label}）").format(
                count=len(changes), label=ValueSource(source).label
            ),
        )
        audit.record(AuditAction.UPDATE, obj=submission, changes=changes, message="保存数据")
    return submission


def _files(
    data_set: DataSet, files: Mapping[tuple[str, str], UploadedFile], errors: list[CellError]
) -> dict[tuple[DataElement, str], UploadedFile]:
    members = {m.element.code: m.element for m in selectors.data_set_elements(data_set)}
    result = {}
    for (code, option), upload in files.items():
        element = members.get(code)
        if element is None or element.value_type != ValueType.FILE:
            errors.append(CellError(code, option, _("数据项“{code}”不接受文件").format(code=code)))
        elif (upload.size or 0) > FILE_MAX_BYTES:
            errors.append(
                CellError(
                    code,
                    option,
                    _("“{element}”：文件不能超过 {count} MB").format(
                        element=element.name, count=FILE_MAX_BYTES // 1048576
                    ),
                )
            )
        else:
            result[(element, option)] = upload
    return result


def _shown(value: DataValue) -> str | None:
    return _shown_raw(value.number, value.text)


def _shown_raw(number: Decimal | None, text: str) -> str | None:
    if number is not None:
        return format(number.normalize(), "f")
    return text or None


def _touch(submission: Submission, source: str, now: dt.datetime) -> None:
    submission.source, submission.updated_at = source, now
    submission.save(update_fields=["source", "updated_at"])


# ---------------------------------------------------------------- reporting and approval


def _load(submission: Submission, user: User | None = None) -> Submission:
    """The submission, locked for this transaction (concurrent approvals queue up here); with a
    user, only if it is in their scope (otherwise: not found)."""
    qs = Submission.objects.select_for_update(of=("self",)).select_related("data_set", "unit")
    if user is not None:
        qs = qs.visible_to(user)
    found = qs.filter(pk=submission.pk).first()
    if found is None:
        raise _error(IndicatorErrorCode.NOT_ALLOWED, _("未找到"), 404)
    return found


def _event(
    submission: Submission, *, user: User, action: SubmissionAction, before: str, comment: str = ""
) -> None:
    SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        actor=user,
        from_status=before,
        to_status=submission.status,
        comment=comment,
    )
    audit.record(
        AuditAction.UPDATE,
        obj=submission,
        changes={"status": [before, submission.status]},
        message=f"{SubmissionAction(action).label}" + (f"：{comment}" if comment else ""),
    )


def _link(submission: Submission) -> str:
    return reverse("admin:indicators-submission", args=[submission.pk])


@transaction.atomic
def submission_complete(*, user: User, submission: Submission) -> Submission:
    """The unit reports its data: required values present, no validation error; goes to its
    supervising bureau, or to the plan office when it has none."""
    submission = _load(submission)
    period = _period(submission.data_set, submission.period_code)
    check_entry_allowed(
        user=user,
        data_set=submission.data_set,
        unit=submission.unit,
        period=period,
        submission=submission,
    )
    _require_editable(submission)
    missing = [
        m.element.name
        for m in selectors.data_set_elements(submission.data_set)
        if m.required
        and not m.element.source
        and not submission.values.filter(element=m.element)
        .exclude(number__isnull=True, text="")
        .exists()
    ]
    if missing:
        raise _error(
            IndicatorErrorCode.VALIDATION_FAILED,
            _("以下必填项尚未填写：{items}").format(items="、".join(missing)),
        )
    failed = [
        r
        for r in selectors.submission_check(submission)
        if not r.passed and r.severity == Severity.ERROR
    ]
    if failed:
        raise _error(
            IndicatorErrorCode.VALIDATION_FAILED,
            _("数据未通过校验，不能报送：{problems}").format(
                problems="；".join(r.message for r in failed)
            ),
        )
    before = submission.status
    now = timezone.now()
    bureau = submission.unit.parent_id
    submission.status = (
        SubmissionStatus.AWAITING_BUREAU if bureau else SubmissionStatus.AWAITING_OFFICE
    )
    submission.completed_at, submission.completed_by = now, user
    submission.first_completed_at = submission.first_completed_at or now
    submission.save(update_fields=["status", "completed_at", "completed_by", "first_completed_at"])
    _event(submission, user=user, action=SubmissionAction.COMPLETE, before=before)
    recipients = (
        _approvers_of(bureau)
        if bureau
        else User.objects.filter(role=Role.PLAN_OFFICE, is_active=True)
    )
    notify(
        recipients,
        title=_("待审核：{submission}").format(submission=submission),
        link=_link(submission),
    )
    return submission


def _approvers_of(unit_id: int) -> Any:
    return User.objects.filter(unit_id=unit_id, role=Role.UNIT_LIAISON, is_active=True)


def _reporters_of(submission: Submission) -> Any:
    return User.objects.filter(
        unit_id=submission.unit_id,
        role__in=[Role.SCHOOL_CLERK, Role.UNIT_LIAISON],
        is_active=True,
    )


def _require_approver(user: User, submission: Submission) -> None:
    """Who acts at the submission's current step: its bureau, or the plan office. A step that is
    already past for this approver (someone acted first) is a conflict, not a permission error."""
    bureau = user.can(Capability.DATA_APPROVE) and user.unit_id == submission.unit.parent_id
    office = user.can(Capability.INDICATORS_MANAGE)
    status = submission.status
    if (status == SubmissionStatus.AWAITING_BUREAU and bureau) or (
        status == SubmissionStatus.AWAITING_OFFICE and office
    ):
        return
    if status == SubmissionStatus.AWAITING_BUREAU:
        raise _error(IndicatorErrorCode.NOT_ALLOWED, _("该数据待主管部门审核，您不能审核"), 403)
    if status == SubmissionStatus.AWAITING_OFFICE and not bureau:
        raise _error(IndicatorErrorCode.NOT_ALLOWED, _("该数据待工作专班审定，您不能审定"), 403)
    raise _error(
        IndicatorErrorCode.WRONG_STATE,
        _("该数据当前状态为“{status}”，已不在您的审核环节（可能已被他人处理）").format(
            status=submission.get_status_display()
        ),
        409,
    )


@transaction.atomic
def submission_approve(*, user: User, submission: Submission, comment: str = "") -> Submission:
    submission = _load(submission, user)
    _require_approver(user, submission)
    before = submission.status
    if before == SubmissionStatus.AWAITING_BUREAU:
        submission.status = SubmissionStatus.AWAITING_OFFICE
        submission.save(update_fields=["status"])
        notify(
            User.objects.filter(role=Role.PLAN_OFFICE, is_active=True),
            title=_("待审定：{submission}").format(submission=submission),
            link=_link(submission),
        )
    else:
        submission.status, submission.approved_at = SubmissionStatus.APPROVED, timezone.now()
        submission.save(update_fields=["status", "approved_at"])
        notify(
            _reporters_of(submission),
            title=_("已审定：{submission}").format(submission=submission),
            link=_link(submission),
        )
    _event(submission, user=user, action=SubmissionAction.APPROVE, before=before, comment=comment)
    return submission


@transaction.atomic
def submission_return(*, user: User, submission: Submission, comment: str) -> Submission:
    """Sends data back to the unit with a comment; it can be corrected and reported again."""
    if not comment.strip():
        raise _error(IndicatorErrorCode.COMMENT_REQUIRED, _("退回时请填写退回意见"))
    submission = _load(submission, user)
    _require_approver(user, submission)
    return _send_back(
        submission,
        user=user,
        action=SubmissionAction.RETURN,
        comment=comment,
        title=_("数据被退回：{submission}").format(submission=submission),
        note=_("退回意见"),
    )


@transaction.atomic
def submission_unapprove(*, user: User, submission: Submission, reason: str) -> Submission:
    """The office unlocks approved data so the unit can correct it; the reason is recorded."""
    require_capability(user, Capability.INDICATORS_MANAGE, _("只有工作专班可以撤销审定"))
    if not reason.strip():
        raise _error(IndicatorErrorCode.COMMENT_REQUIRED, _("撤销审定时请填写理由"))
    submission = _load(submission)
    if submission.status != SubmissionStatus.APPROVED:
        raise _error(
            IndicatorErrorCode.WRONG_STATE,
            _("该数据当前状态为“{status}”，不是已审定，无需撤销").format(
                status=submission.get_status_display()
            ),
            409,
        )
    return _send_back(
        submission,
        user=user,
        action=SubmissionAction.UNAPPROVE,
        comment=reason,
        title=_("已撤销审定，请修改后重新报送：{submission}").format(submission=submission),
        note=_("理由"),
    )


def _send_back(
    submission: Submission,
    *,
    user: User,
    action: SubmissionAction,
    comment: str,
    title: str,
    note: str,
) -> Submission:
    """Back to the unit for correction (returned or un-approved), with the reason, notified."""
    before = submission.status
    submission.status, submission.approved_at = SubmissionStatus.RETURNED, None
    submission.save(update_fields=["status", "approved_at"])
    _event(submission, user=user, action=action, before=before, comment=comment)
    notify(
        _reporters_of(submission),
        title=title,
        body=_("{note}：{comment}").format(note=note, comment=comment.strip()),
        link=_link(submission),
    )
    return submission


@transaction.atomic
def extension_grant(
    *,
    user: User,
    data_set: DataSet,
    unit: Unit,
    period_code: str,
    until: dt.date,
    reason: str,
) -> DataSetExtension:
    """The office lets one unit enter a period's data after it closed, until a date."""
    require_capability(user, Capability.INDICATORS_MANAGE, _("只有工作专班可以批准延期填报"))
    period = _period(data_set, period_code)
    if not reason.strip():
        raise _error(IndicatorErrorCode.COMMENT_REQUIRED, _("请填写延期理由"))
    if until < timezone.localdate():
        raise _error(IndicatorErrorCode.INVALID_INPUT, _("延期日期不能早于今天"))
    if not selectors.reports(data_set, unit.pk):
        raise _error(
            IndicatorErrorCode.NOT_REPORTING_UNIT,
            _("{unit}不是“{data_set}”的填报单位").format(unit=unit, data_set=data_set.name),
        )
    extension, created = DataSetExtension.objects.update_or_create(
        data_set=data_set,
        unit=unit,
        period_code=period.code,
        defaults={"until": until, "reason": reason.strip(), "granted_by": user},
    )
    audit.record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=extension,
        changes={"until": [None, until.isoformat()], "reason": [None, reason.strip()]},
        message="批准延期填报",
    )
    notify(
        User.objects.filter(
            unit=unit, role__in=[Role.SCHOOL_CLERK, Role.UNIT_LIAISON], is_active=True
        ),
        title=_("已批准延期填报：{data_set} {period}，至 {until:%Y-%m-%d}").format(
            data_set=data_set.name, period=period.label, until=until
        ),
        body=reason.strip(),
    )
    return extension
