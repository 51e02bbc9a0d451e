"""`zhijiao evaluationreport quality|notice|results …`: evaluation documents from the command line.

- ``quality --year 2024 [--school 名称]``: each school's 质量年度报告 and the city summary (or one
  school's report) as .docx;
- ``notice --round ID``: the result notice (公示 or 通知) as .docx in the 公文 layout;
- ``results --round ID``: the result tables as .xlsx.

Files are written to ``--output`` (a directory, default the current one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhijiao.core.errors import ServiceError
from zhijiao.evaluation import documents, quality
from zhijiao.evaluation.models import Round
from zhijiao.orgs.models import Unit, UnitKind


class Command(BaseCommand):
    help = "生成学校评价文件：质量年度报告（quality）、结果公示或通知（notice）、结果表（results）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("what", choices=["quality", "notice", "results"])
        parser.add_argument("--year", type=int, help="质量年度报告的年度")
        parser.add_argument(
            "--school", default="", help="只生成这所学校的质量年度报告（名称或简称）"
        )
        parser.add_argument("--round", type=int, help="评价轮次编号（notice、results）")
        parser.add_argument("-o", "--output", default=".", help="输出目录（默认当前目录）")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["output"])
        folder.mkdir(parents=True, exist_ok=True)
        try:
            written = getattr(self, f"_{options['what']}")(folder, options)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for path in written:
            self.stdout.write(_("已生成：{path}").format(path=path))

    def _round(self, options: dict[str, Any]) -> Round:
        if options.get("round") is None:
            raise CommandError(_("请用 --round 指定评价轮次编号"))
        found = Round.objects.select_related("scheme").filter(pk=options["round"]).first()
        if found is None:
            raise CommandError(_("评价轮次 {round} 不存在").format(round=options["round"]))
        return found

    def _quality(self, folder: Path, options: dict[str, Any]) -> list[Path]:
        year = options.get("year")
        if year is None:
            raise CommandError(_("请用 --year 指定年度"))
        name = options["school"].strip()
        if name:
            school = (
                Unit.objects.filter(kind=UnitKind.SCHOOL).filter(name=name).first()
                or Unit.objects.filter(kind=UnitKind.SCHOOL, short_name=name).first()
            )
            if school is None:
                raise CommandError(_("没有名为“{name}”的职业院校").format(name=name))
            schools = [school]
        else:
            schools = quality.schools_all()
        all_facts = quality.facts(schools, year)
        written = []
        for f in all_facts:
            path = folder / quality.filename(f.school, year)
            with path.open("wb") as stream:
                quality.school_report_build(f, stream)
            written.append(path)
        if not name:
            path = folder / quality.filename(None, year)
            with path.open("wb") as stream:
                quality.city_summary_build(all_facts, year, stream)
            written.append(path)
        return written

    def _notice(self, folder: Path, options: dict[str, Any]) -> list[Path]:
        round_ = self._round(options)
        path = folder / documents.notice_filename(round_)
        with path.open("wb") as stream:
            documents.notice_build(round_, stream)
        return [path]

    def _results(self, folder: Path, options: dict[str, Any]) -> list[Path]:
        round_ = self._round(options)
        entries = list(round_.entries.select_related("school").order_by("rank", "school__name"))
        path = folder / _("{title}结果.xlsx").format(title=round_.title)
        path.write_bytes(documents.results_workbook(round_, entries))
        return [path]
