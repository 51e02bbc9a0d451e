"""`zhijiao gendata --scale city|province [--seed N]`: fills a fresh database (migrated, the plan
loaded with ``zhijiao loadplan``) with fictitious, internally consistent data at the scale of
Jiangyin or of Jiangsu province — see :mod:`zhijiao.core.gendata`.

It refuses a database that already holds accounts, enterprises or the modules' records (demo data
or an earlier run): generated keys would collide with them. There is no ``--force``; start from a
new database instead. ``--fraction`` scales every count (``--fraction 0.1``: a tenth),
``--only`` limits the run to some modules (units and accounts are always made), ``--today`` sets
the reference date the history runs up to (default: today). The same seed and reference date
give the same rows on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhijiao.core.gendata.base import SCALES
from zhijiao.core.gendata.run import MODULES, STORIES, RefusedError, generate


class Command(BaseCommand):
    help = "生成城市或全省规模的模拟数据（数据均为虚构）：需在仅载入了实施方案的新数据库上运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            required=True,
            choices=list(SCALES),
            help="city：江阴（约 10 所学校、10 万学习者、100 万条学习记录）；"
            "province：江苏（13 市、500 万学习者、5000 万条学习记录）；tiny：测试用",
        )
        parser.add_argument("--seed", type=int, default=2021, help="随机种子（默认 2021）")
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="按比例缩放各类数量，如 0.1 为十分之一（学校、目录等结构不变）",
        )
        parser.add_argument(
            "--only",
            default="",
            help="只生成这些模块（逗号分隔，单位与账号总会生成）："
            + ",".join([*MODULES, *STORIES]),
        )
        parser.add_argument("--today", help="历史数据截至的基准日（YYYY-MM-DD），默认今天")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="并行生成的进程数（默认为处理器核数，最多 2）；结果与进程数无关",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fraction = float(options["fraction"])
        if not 0 < fraction <= 10:
            raise CommandError("--fraction 应大于 0 且不超过 10")
        try:
            today = dt.date.fromisoformat(options["today"]) if options.get("today") else None
        except ValueError as exc:
            raise CommandError("--today 应为 YYYY-MM-DD 格式的日期") from exc
        only = [m.strip() for m in options["only"].split(",") if m.strip()]
        try:
            result = generate(
                scale=options["scale"],
                seed=options["seed"],
                today=today,
                only=only,
                fraction=fraction,
                out=self.stdout,
                quiet=options["verbosity"] < 1,
                workers=options["workers"],
            )
        except (RefusedError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return
        self.stdout.write("")
        self.stdout.write(f"{'表':<36}{'名称':<14}{'行数':>14}{'用时（秒）':>10}")
        total = 0
        for table, count in sorted(result.counts.items()):
            total += count.rows
            self.stdout.write(
                f"{table:<36}{count.label:<14}{count.rows:>14,}{count.seconds:>10.1f}"
            )
        self.stdout.write(f"{'合计':<50}{total:>14,}")
        for note in result.notes:
            self.stdout.write(note)
        self.stdout.write(
            f"完成：规模 {result.scale.name}，种子 {result.seed}，基准日 {result.today:%Y-%m-%d}，"
            f"共 {total:,} 行，用时 {result.seconds:.1f} 秒。账号密码均为 "
            "Zhijiao#2026gen（仅限生成数据），工作专班账号 office。"
        )
