from django.apps import AppConfig
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class CreditbankConfig(AppConfig):
    name = "zhijiao.creditbank"
    label = "creditbank"
    verbose_name = gettext_lazy("学分银行")

    def ready(self) -> None:
        from zhijiao.core import integrity

        from . import ledger

        @integrity.register("学分银行账本")
        def ledger_intact() -> tuple[bool, str]:
            report = ledger.verify()
            if report.problem is not None:
                return False, _("第一条有问题的记录是第 {seq} 号——{problem}").format(
                    seq=report.problem.seq, problem=report.problem.message
                )
            return True, _(
                "账本完好，共 {entries} 条记录，检查点 {checkpoints} 个均一致且签名有效"
            ).format(entries=report.entries, checkpoints=report.checkpoints)
