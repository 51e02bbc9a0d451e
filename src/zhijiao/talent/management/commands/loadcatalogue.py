"""`zhijiao loadcatalogue occupations|majors|industries|mapping FILE --edition NAME`.

Loads one edition of a catalogue from a UTF-8 CSV file (docs/talent-catalogues.md), all or
nothing: any bad line and nothing is stored, every problem listed with its line number. Loading
the same file again changes nothing; the full official catalogues load the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhijiao.core.errors import ServiceError
from zhijiao.talent.catalogue import CatalogueRejected, catalogue_load
from zhijiao.talent.data import CatalogueKind

MAX_FILE_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "载入目录（职业分类大典、职业教育专业目录、国民经济行业分类、专业职业面向）的一个版本"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "kind",
            choices=CatalogueKind.values,
            help="occupations 职业分类；majors 专业目录；industries 行业分类；mapping 职业面向",
        )
        parser.add_argument("path", help="UTF-8 CSV 文件，如 data/talent/occupations-2022.csv")
        parser.add_argument("--edition", required=True, help="版本名称，如 2022、2021、2017")
        parser.add_argument("--title", default="", help="版本全称（默认取文件中的“# 名称：”）")
        parser.add_argument(
            "--extends",
            default="",
            help="本文件是对该版本的增补（如专业目录 2021 的年度增补），只列出新增或更名的条目",
        )
        parser.add_argument(
            "--not-current",
            action="store_true",
            help="载入但不设为现行版本（默认载入后即为现行版本）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("文件不存在：{path}").format(path=path))
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(
                _("文件过大（超过 {size} MB）").format(size=MAX_FILE_BYTES // 1048576)
            )
        try:
            result = catalogue_load(
                kind=options["kind"],
                content=path.read_bytes(),
                edition=options["edition"],
                title=options["title"],
                extends=options["extends"],
                make_current=not options["not_current"],
            )
        except CatalogueRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(f"{path.name} {error}")
            raise CommandError(rejected.message) from rejected
        except ServiceError as error:
            raise CommandError(error.message) from error
        self.stdout.write(result.summary())
