from django.apps import AppConfig


class CreditbankConfig(AppConfig):
    name = "zhijiao.creditbank"
    label = "creditbank"
    verbose_name = "学分银行"

    def ready(self) -> None:
        from zhijiao.core import integrity

        from . import ledger

        @integrity.register("学分银行账本")
        def ledger_intact() -> tuple[bool, str]:
            report = ledger.verify()
            if report.problem is not None:
                return False, (
                    f"第一条有问题的记录是第 {report.problem.seq} 号——{report.problem.message}"
                )
            return True, (
                f"账本完好，共 {report.entries} 条记录，检查点 {report.checkpoints} 个均一致且签名有效"
            )
