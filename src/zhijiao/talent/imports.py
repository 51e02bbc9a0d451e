"""The demand survey in Excel: each enterprise's template for a year, the all-or-nothing upload,
and the office's export of the surveys.

The template is pre-filled: its first sheet holds the enterprise's current lines (occupation as
``code name`` from a drop-down list of the current 职业分类大典), its second sheet 填报信息 names the
enterprise and the year, so that a file filled for another enterprise or year is refused. An
upload is checked row by row — every problem listed by row and column — and replaces the
survey's lines only when every row is right.
"""

from __future__ import annotations

import io
from typing import IO, TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from python_calamine import CalamineError, CalamineWorkbook

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import (
    Column,
    RowError,
    SheetRow,
    cell_text,
    normalize_header,
    reject_if_errors,
    sheet_write,
    xlsx_content,
    xlsx_table,
)
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import Unit, User
from zhijiao.orgs.roles import Capability, require_capability

from . import selectors, services
from .data import (
    FORMER_LABELS,
    MAX_LINES,
    Education,
    SalaryBand,
    SkillLevel,
    TalentErrorCode,
    Urgency,
)
from .models import DemandLine, DemandSurvey

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

H_OCCUPATION = gettext_lazy("职业（代码 名称）")
H_HEADCOUNT = gettext_lazy("需求人数")
H_EDUCATION = gettext_lazy("学历要求")
H_SKILL = gettext_lazy("技能等级")
H_EXPERIENCE = gettext_lazy("工作经验（年）")
H_SALARY = gettext_lazy("月薪范围")
H_URGENCY = gettext_lazy("紧急程度")
H_NOTE = gettext_lazy("备注")
COLUMNS = (
    H_OCCUPATION,
    H_HEADCOUNT,
    H_EDUCATION,
    H_SKILL,
    H_EXPERIENCE,
    H_SALARY,
    H_URGENCY,
    H_NOTE,
)


def headers() -> list[str]:
    """The template's header row, in the active language."""
    return [str(h) for h in COLUMNS]


REQUIRED = [H_OCCUPATION, H_HEADCOUNT]
FIELD_HEADERS = {
    "occupation": H_OCCUPATION,
    "headcount": H_HEADCOUNT,
    "education": H_EDUCATION,
    "skill_level": H_SKILL,
    "experience_years": H_EXPERIENCE,
    "salary_band": H_SALARY,
    "urgency": H_URGENCY,
    "note": H_NOTE,
}
INFO_SHEET = gettext_lazy("填报信息")
INFO_ENTERPRISE = gettext_lazy("企业名称")
INFO_CODE = gettext_lazy("统一社会信用代码")
INFO_YEAR = gettext_lazy("年度")


def _columns() -> list[Column]:
    return [
        Column(
            H_OCCUPATION,
            36,
            choices=[label for _code, label in selectors.occupation_choices()],
            to_fill=True,
        ),
        Column(H_HEADCOUNT, 10, to_fill=True),
        Column(H_EDUCATION, 22, choices=Education.labels),
        Column(H_SKILL, 12, choices=SkillLevel.labels),
        Column(H_EXPERIENCE, 12),
        Column(H_SALARY, 16, choices=SalaryBand.labels),
        Column(H_URGENCY, 10, choices=Urgency.labels),
        Column(H_NOTE, 30, wrap=True),
    ]


def template_bytes(*, user: User, year: int) -> bytes:
    """The enterprise's workbook for a year, with its saved lines (if any) already in it."""
    require_capability(user, Capability.TALENT_SURVEY, _("只有企业用户可以下载填报模板"))
    enterprise = services.own_enterprise(user)
    survey = selectors.own_survey(user, year)
    rows: list[list[Any]] = []
    if survey is not None:
        rows = [
            [
                f"{line.occupation.code} {line.occupation.name}",
                line.headcount,
                line.get_education_display(),
                line.get_skill_level_display(),
                line.experience_years,
                line.get_salary_band_display(),
                line.get_urgency_display(),
                line.note,
            ]
            for line in selectors.survey_lines(survey)
        ]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    sheet_write(ws, columns=_columns(), rows=rows, title=_("{year}年岗位需求").format(year=year))
    info = wb.create_sheet(str(INFO_SHEET))
    sheet_write(
        info,
        columns=[Column(gettext_lazy("项目"), 18), Column(gettext_lazy("内容"), 48, wrap=True)],
        rows=[
            [INFO_ENTERPRISE, enterprise.name],
            [INFO_CODE, enterprise.credit_code],
            [INFO_YEAR, str(year)],
            [
                _("填写说明"),
                _(
                    "每行一个岗位需求：职业请从下拉列表选择（也可只填职业代码，如 6-18-02-04）；"
                    "需求人数为正整数；同一职业、技能等级和学历只填一行。请勿修改本页。"
                ),
            ],
        ],
        title=str(INFO_SHEET),
    )
    stream = io.BytesIO()
    wb.save(stream)
    return stream.getvalue()


def _info(content: bytes) -> dict[str, str]:
    """The 填报信息 sheet of an upload, if it has one."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if str(INFO_SHEET) not in workbook.sheet_names:
            return {}
        rows = workbook.get_sheet_by_name(str(INFO_SHEET)).to_python(nrows=20)
    except CalamineError:
        return {}
    return {cell_text(r[0]): cell_text(r[1]) for r in rows if len(r) >= 2 and cell_text(r[0])}


def _check_info(content: bytes, enterprise: Unit, year: int) -> None:
    info = _info(content)
    code, file_year = info.get(str(INFO_CODE), ""), info.get(str(INFO_YEAR), "")
    if code and enterprise.credit_code and code != enterprise.credit_code:
        raise ServiceError(
            TalentErrorCode.WRONG_FILE,
            _("该文件是“{enterprise}”的填报模板，不是本企业的，未导入").format(
                enterprise=info.get(str(INFO_ENTERPRISE)) or code
            ),
        )
    if file_year and file_year != str(year):
        raise ServiceError(
            TalentErrorCode.WRONG_FILE,
            _("该文件是 {file_year} 年的填报模板，不能导入到 {year} 年，未导入").format(
                file_year=file_year, year=year
            ),
        )


def _by_label(choices: Any, header: StrOrPromise, text: str) -> str:
    if not text:
        return str(choices.values[0])
    wanted = normalize_header(text)
    for value, label in choices.choices:
        if wanted in (normalize_header(label), normalize_header(value)):
            return str(value)
    for label, value in FORMER_LABELS.items():
        if wanted == normalize_header(label) and value in choices.values:
            return value
    raise ValueError(
        _("{header}“{text}”不正确，请从下拉列表选择：{choices}").format(
            header=header, text=text, choices="、".join(str(label) for label in choices.labels)
        )
    )


def _line(row: SheetRow, errors: list[RowError]) -> services.LineData:
    occupation = row.text(H_OCCUPATION).split(" ")[0].strip() if row.text(H_OCCUPATION) else ""
    values: dict[str, str] = {}
    for header, choices, name in (
        (H_EDUCATION, Education, "education"),
        (H_SKILL, SkillLevel, "skill_level"),
        (H_SALARY, SalaryBand, "salary_band"),
        (H_URGENCY, Urgency, "urgency"),
    ):
        try:
            values[name] = _by_label(choices, header, row.text(header))
        except ValueError as error:
            errors.append(RowError(row.number, header, str(error)))
            values[name] = str(choices.values[0])
    return services.LineData(
        occupation=occupation,
        headcount=row.text(H_HEADCOUNT),
        experience_years=row.text(H_EXPERIENCE) or 0,
        note=row.text(H_NOTE),
        **values,
    )


def survey_import(
    *, user: User, year: int, upload: IO[bytes] | bytes, name: str = "", submit: bool = False
) -> DemandSurvey:
    """Replaces the enterprise's lines for a year with the upload's rows, all or nothing."""
    require_capability(user, Capability.TALENT_SURVEY, _("只有企业用户可以导入岗位需求"))
    enterprise = services.own_enterprise(user)
    content = xlsx_content(upload, name=name)
    _check_info(content, enterprise, year)
    rows = xlsx_table(content, columns=headers(), required=REQUIRED, max_rows=MAX_LINES)
    errors: list[RowError] = []
    if not rows:
        raise ServiceError(TalentErrorCode.EMPTY_SURVEY, _("文件中没有岗位需求，请至少填写一行"))
    lines = [_line(row, errors) for row in rows]
    try:
        services.check_lines(lines)
    except services.LinesRejected as rejected:
        errors.extend(
            RowError(rows[p.index].number, FIELD_HEADERS.get(p.field, ""), p.message)
            for p in rejected.problems
            if p.index < len(rows)
        )
    # Every cell is checked before anything is written; one bad cell and nothing is saved.
    reject_if_errors(errors, code=TalentErrorCode.IMPORT_FAILED)
    return services.survey_save(user=user, year=year, lines=lines, submit=submit)


SURVEY_COLUMNS = [
    Column(gettext_lazy("年度"), 8),
    Column(gettext_lazy("企业"), 32),
    Column(gettext_lazy("统一社会信用代码"), 22),
    Column(gettext_lazy("产业集群"), 14),
    Column(gettext_lazy("所在镇街"), 12),
    Column(gettext_lazy("企业规模"), 10),
    Column(gettext_lazy("状态"), 10),
    Column(gettext_lazy("报送时间"), 18),
    Column(gettext_lazy("岗位数"), 8),
    Column(gettext_lazy("需求人数"), 10),
]
LINE_COLUMNS = [
    Column(gettext_lazy("年度"), 8),
    Column(gettext_lazy("企业"), 32),
    Column(gettext_lazy("统一社会信用代码"), 22),
    Column(gettext_lazy("产业集群"), 14),
    Column(gettext_lazy("状态"), 10),
    Column(gettext_lazy("职业代码"), 14),
    Column(gettext_lazy("职业"), 24),
    Column(gettext_lazy("需求人数"), 10),
    Column(gettext_lazy("学历要求"), 20),
    Column(gettext_lazy("技能等级"), 12),
    Column(gettext_lazy("工作经验（年）"), 12),
    Column(gettext_lazy("月薪范围"), 16),
    Column(gettext_lazy("紧急程度"), 10),
    Column(gettext_lazy("备注"), 30, wrap=True),
]


def surveys_export(*, user: User, filters: selectors.SurveyFilters) -> bytes:
    """The surveys in the list's filters, one sheet of surveys and one of their lines."""
    require_capability(user, Capability.TALENT_MANAGE, _("只有工作专班可以导出需求调查"))
    surveys = list(selectors.surveys_visible(user, filters))

    def profile(s: DemandSurvey) -> Any:
        return getattr(s.enterprise, "talent_profile", None)

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    sheet_write(
        ws,
        columns=SURVEY_COLUMNS,
        rows=(
            [
                s.round.year,
                s.enterprise.name,
                s.enterprise.credit_code,
                profile(s).get_cluster_display() if profile(s) else "",
                profile(s).get_town_display() if profile(s) else "",
                profile(s).get_size_display() if profile(s) else "",
                s.get_status_display(),
                timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M")
                if s.submitted_at
                else "",
                s.line_count,  # type: ignore[attr-defined]
                s.total_headcount,  # type: ignore[attr-defined]
            ]
            for s in surveys
        ),
        title=_("填报情况"),
    )
    by_id = {s.pk: s for s in surveys}
    lines = (
        DemandLine.objects.filter(survey_id__in=list(by_id))
        .select_related("occupation")
        .order_by("survey_id", "position", "pk")
    )
    sheet_write(
        wb.create_sheet(_("岗位需求明细")),
        columns=LINE_COLUMNS,
        rows=(
            [
                by_id[line.survey_id].round.year,
                by_id[line.survey_id].enterprise.name,
                by_id[line.survey_id].enterprise.credit_code,
                profile(by_id[line.survey_id]).get_cluster_display()
                if profile(by_id[line.survey_id])
                else "",
                by_id[line.survey_id].get_status_display(),
                line.occupation.code,
                line.occupation.name,
                line.headcount,
                line.get_education_display(),
                line.get_skill_level_display(),
                line.experience_years,
                line.get_salary_band_display(),
                line.get_urgency_display(),
                line.note,
            ]
            for line in lines.iterator(chunk_size=2000)
        ),
        title=_("岗位需求明细"),
    )
    stream = io.BytesIO()
    wb.save(stream)
    audit.record(
        AuditAction.EXPORT,
        actor=user,
        object_type="talent.DemandSurvey",
        message=f"导出岗位需求调查 {len(surveys)} 份",
    )
    return stream.getvalue()
