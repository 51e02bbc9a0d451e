"""Integrity checks a module offers for the whole platform, run after a restore.

A module registers a check in its ``AppConfig.ready``; ``zhijiao restore`` runs every check on
the restored database and prints the outcome, so a restore drill proves more than "the rows came
back" (the credit bank's ledger, for one, verifies its hash chain and signed checkpoints)::

    from zhijiao.core.integrity import register

    @register("学分银行账本")
    def ledger_intact() -> tuple[bool, str]:
        report = ledger.verify()
        return report.intact, "…"
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

Check = Callable[[], tuple[bool, str]]

_CHECKS: dict[str, Check] = {}


@dataclass(frozen=True)
class Outcome:
    name: str
    passed: bool
    message: str


def register(name: str) -> Callable[[Check], Check]:
    def decorate(check: Check) -> Check:
        _CHECKS[name] = check
        return check

    return decorate


def run_all() -> list[Outcome]:
    outcomes = []
    for name, check in _CHECKS.items():
        try:
            passed, message = check()
        except Exception as exc:  # noqa: BLE001 - a broken check is reported, never fatal
            passed, message = False, _("无法完成校验：{exc}").format(exc=exc)
        outcomes.append(Outcome(name, passed, message))
    return outcomes
