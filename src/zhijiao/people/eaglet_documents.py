"""Documents of the 技能雏鹰 selection: the nominations as a workbook, and the public notice (公示)
or the published list (公布名单) as a .docx in the 公文 layout.

The public documents name the students, their school, major and class — never an ID number.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhijiao.core import audit
from zhijiao.core.errors import ServiceError
from zhijiao.core.excel import Column, xlsx_write
from zhijiao.core.gongwen import GongwenDocument, GroupRow, date_text
from zhijiao.core.models import AuditAction
from zhijiao.orgs.models import User
from zhijiao.orgs.roles import Capability, require_capability

from . import eaglet_selectors as selectors
from .data import EagletErrorCode, EagletRoundStatus, EagletStage
from .models import EagletNomination, EagletRound

ISSUER = gettext_lazy("江阴市推进职业教育改革创新工作专班")
PLAN_NAME = gettext_lazy("《江阴市推进职业教育改革创新 打造高质量发展样板的实施方案》")

EXPORT_COLUMNS = [
    Column(gettext_lazy("序号"), 6),
    Column(gettext_lazy("学校"), 24),
    Column(gettext_lazy("姓名"), 10),
    Column(gettext_lazy("性别"), 6),
    Column(gettext_lazy("专业"), 20),
    Column(gettext_lazy("班级"), 14),
    Column(gettext_lazy("入学年份"), 10),
    Column(gettext_lazy("推荐理由"), 40, wrap=True),
    Column(gettext_lazy("主要事迹与获奖情况"), 40, wrap=True),
    Column(gettext_lazy("教育局意见"), 16, wrap=True),
    Column(gettext_lazy("科技局意见"), 16, wrap=True),
    Column(gettext_lazy("人社局意见"), 16, wrap=True),
    Column(gettext_lazy("状态"), 14),
]


def _opinion(nomination: EagletNomination, stage: str) -> str:
    review = selectors.opinions(nomination)[stage]
    if review is None:
        return _("待审核")
    verdict = _("同意") if review.agreed else _("不同意")
    if review.comment:
        return _("{verdict}：{comment}").format(verdict=verdict, comment=review.comment)
    return verdict


def _rows(nominations: Iterable[EagletNomination]) -> Iterable[list[Any]]:
    for number, n in enumerate(nominations, start=1):
        s = n.student
        yield [
            number,
            n.school.name,
            s.name,
            s.get_gender_display(),
            s.major,
            s.class_name,
            s.enrolled_year,
            n.reasons,
            n.achievements,
            *(_opinion(n, stage) for stage in EagletStage.values),
            n.get_status_display(),
        ]


def nominations_export(
    *, user: User, round_: EagletRound, filters: selectors.NominationFilters | None = None
) -> bytes:
    """The round's nominations the user may see (filtered) with the three opinions; audited."""
    require_capability(user, Capability.PEOPLE_VIEW, _("您的角色不能导出推荐名单"))
    stream = io.BytesIO()
    count = xlsx_write(
        stream,
        columns=EXPORT_COLUMNS,
        rows=_rows(selectors.nominations_visible(user, round_, filters)),
        title=_("{year}年“技能雏鹰”推荐").format(year=round_.year),
    )
    audit.record(
        AuditAction.EXPORT,
        obj=round_,
        actor=user,
        message=f"导出“技能雏鹰”推荐名单 {count} 人",
    )
    return stream.getvalue()


def _list_table(doc: GongwenDocument, nominations: list[EagletNomination]) -> None:
    rows: list[list[Any] | GroupRow] = []
    school = None
    number = 0
    for n in nominations:
        if n.school.name != school:
            school = n.school.name
            count = sum(1 for m in nominations if m.school_id == n.school_id)
            rows.append(GroupRow(_("{school}（{count}名）").format(school=school, count=count)))
        number += 1
        s = n.student
        rows.append([number, s.name, s.get_gender_display(), s.major, s.class_name])
    doc.table(
        [_("序号"), _("姓名"), _("性别"), _("专业"), _("班级")],
        rows,
        widths_mm=[16, 26, 16, 58, 40],
        align=["center", "center", "center", "left", "left"],
    )


def notice_build(round_: EagletRound) -> bytes:
    """The 公示 while the notice runs, or the published list (公布名单) afterwards, as .docx bytes.
    Before the notice there is no public list and nothing to build."""
    status = EagletRoundStatus(round_.status)
    if status not in (EagletRoundStatus.NOTICE, EagletRoundStatus.PUBLISHED):
        raise ServiceError(EagletErrorCode.WRONG_STATE, _("拟表彰名单公示开始后才能生成公示文件"))
    nominations = list(selectors.honoured_list(round_))
    count = len(nominations)
    subject = _("{year}年度江阴市职业学校学生“技能雏鹰”").format(year=round_.year)
    if status == EagletRoundStatus.NOTICE:
        assert round_.notice_starts is not None and round_.notice_ends is not None
        doc = GongwenDocument(
            title=_("关于{year}年度江阴市职业学校学生\n“技能雏鹰”拟表彰名单的公示").format(
                year=round_.year
            ),
            issuer=str(ISSUER),
            date=round_.notice_starts,
        )
        doc.paragraph(
            _(
                "根据{plan}“每年表彰100名职业学校学生‘技能雏鹰’”的要求，经学校推荐，教育局、科技局、人社局联合审核，拟表彰{count}名同学为{subject}。现将名单予以公示。"
            ).format(plan=PLAN_NAME, count=count, subject=subject)
        )
        doc.paragraph(
            _("公示时间：{starts}至{ends}。").format(
                starts=date_text(round_.notice_starts), ends=date_text(round_.notice_ends)
            )
        )
        doc.paragraph(
            _(
                "公示期间，对拟表彰人选有异议的，请以书面形式向江阴市推进职业教育改革创新工作专班"
                "反映。反映情况应实事求是、具体翔实，并留下真实姓名和联系方式，以便调查核实。"
            )
        )
    else:
        assert round_.published_on is not None
        doc = GongwenDocument(
            title=_("关于公布{year}年度江阴市职业学校学生\n“技能雏鹰”名单的通知").format(
                year=round_.year
            ),
            issuer=str(ISSUER),
            date=round_.published_on,
            addressee=_("各职业院校："),
        )
        doc.paragraph(
            _(
                "根据{plan}“每年表彰100名职业学校学生‘技能雏鹰’”的要求，经学校推荐，教育局、科技局、人社局联合审核，并经公示无异议，决定授予{count}名同学{subject}称号。现将名单予以公布。"
            ).format(plan=PLAN_NAME, count=count, subject=subject)
        )
        doc.paragraph(
            _(
                "希望受表彰的同学珍惜荣誉、再接再厉，勤学苦练、精益求精，在技能成才、技能报国的道路上"
                "发挥示范引领作用。各职业院校要以此为契机，大力弘扬劳模精神、劳动精神、工匠精神，"
                "营造“崇尚技艺、以工为荣”的浓厚氛围。"
            )
        )
    if status == EagletRoundStatus.NOTICE:
        doc.paragraph(_("附件：{subject}拟表彰名单").format(subject=subject))
    else:
        doc.paragraph(_("附件：{subject}名单").format(subject=subject))
    doc.signature()
    doc.page_break()
    doc.paragraph(_("附件"), indent=False)
    doc.blank_line()
    doc.paragraph(
        (
            _("{year}年度江阴市职业学校学生“技能雏鹰”\n拟表彰名单（{count}名）")
            if status == EagletRoundStatus.NOTICE
            else _("{year}年度江阴市职业学校学生“技能雏鹰”\n名单（{count}名）")
        ).format(year=round_.year, count=count),
        indent=False,
        align="center",
        bold=True,
    )
    doc.blank_line()
    _list_table(doc, nominations)
    stream = io.BytesIO()
    doc.save(stream)
    return stream.getvalue()


def notice_download(*, user: User, round_: EagletRound) -> bytes:
    """The notice or published list for a user who may see the registries; audited."""
    require_capability(user, Capability.PEOPLE_VIEW, _("您的角色不能下载公示文件"))
    content = notice_build(round_)
    audit.record(
        AuditAction.EXPORT,
        obj=round_,
        actor=user,
        message=f"下载“技能雏鹰”{'公示' if round_.status == EagletRoundStatus.NOTICE else '名单'}",
    )
    return content
