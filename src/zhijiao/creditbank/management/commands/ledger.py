"""`zhijiao ledger verify` and `zhijiao ledger checkpoint`: the credit bank ledger's integrity.

    zhijiao ledger verify [--checkpoint FILE …] [--parts N]
                                                 exit 0 when intact; otherwise exit 1 naming the
                                                 first bad sequence number and what is wrong;
                                                 --parts walks N stretches of the chain at once
                                                 (a process each on PostgreSQL)
    zhijiao ledger checkpoint [--out FILE]        signs the current head and keeps the checkpoint
                                                 (in its table, and in FILE for safekeeping
                                                 elsewhere)

Run ``checkpoint`` from cron (say, nightly) and copy its file off the machine: a later ``verify
--checkpoint`` with that copy proves the chain up to it was not rewritten, even by someone who
controlled the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.models import AuditAction
from zhijiao.creditbank import ledger


class Command(BaseCommand):
    help = "学分银行账本：verify 校验哈希链与签名检查点；checkpoint 生成签名检查点"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="校验账本；完好时退出码为 0，否则指出第一条有问题的记录"
        )
        verify.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE",
            help="另行保存的检查点文件（checkpoint --out 的输出），可多次指定",
        )
        verify.add_argument(
            "--parts",
            type=int,
            default=1,
            metavar="N",
            help="把账本分成 N 段同时校验（PostgreSQL 上每段一个进程，宜取 CPU 核数；默认 1）",
        )
        checkpoint = sub.add_parser("checkpoint", help="对当前账本头签名并保存检查点")
        checkpoint.add_argument("--out", metavar="FILE", help="同时把检查点写入该文件（JSON）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self._checkpoint(options.get("out"))
        else:
            self._verify(options["checkpoint"], max(1, min(options["parts"], 64)))

    def _checkpoint(self, out: str | None) -> None:
        checkpoint = ledger.checkpoint_create()
        audit.record(
            AuditAction.CREATE,
            object_type="creditbank.LedgerCheckpoint",
            object_repr=f"检查点 #{checkpoint.seq}",
            message=f"生成学分银行账本检查点：第 {checkpoint.seq} 号",
        )
        if out:
            Path(out).write_text(
                json.dumps(checkpoint.as_dict(), ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )
        message = _("检查点已生成：第 {seq} 号，哈希 {hash}，签名公钥 {key}").format(
            seq=checkpoint.seq, hash=checkpoint.hash, key=checkpoint.public_key
        )
        if out:
            message += _("，已写入 {path}").format(path=out)
        self.stdout.write(message)

    def _verify(self, files: list[str], parts: int) -> None:
        extra = []
        for name in files:
            try:
                data = json.loads(Path(name).read_text(encoding="utf-8"))
                extra.append(
                    ledger.Checkpoint.from_dict(
                        data, source=_("检查点文件 {path} ").format(path=name)
                    )
                )
            except (OSError, ValueError) as exc:
                raise CommandError(
                    _("无法读取检查点文件 {path}：{error}").format(path=name, error=exc)
                ) from exc
        report = ledger.verify(extra_checkpoints=extra, parts=parts)
        if report.problem is not None:
            raise CommandError(
                _(
                    "账本校验未通过：第一条有问题的记录是第 {seq} 号——{problem}"
                    "（已校验 {entries} 条）"
                ).format(
                    seq=report.problem.seq, problem=report.problem.message, entries=report.entries
                )
            )
        self.stdout.write(
            _(
                "账本完好：共 {entries} 条记录，头部第 {seq} 号 {hash}，"
                "检查点 {checkpoints} 个均一致且签名有效。"
            ).format(
                entries=report.entries,
                seq=report.head_seq,
                hash=report.head_hash,
                checkpoints=report.checkpoints,
            )
        )
