"""The one plug-in point for figures computed from other modules' records.

A data element whose ``source`` names a registered source is not typed in: its value for a unit
and year is whatever the source computes from the records it owns (teachers, enterprises,
一校一案 …). A module registers its sources in its ``AppConfig.ready``::

    from zhijiao.indicators.sources import register

    @register("provincial_cpe", name="省级产教融合型企业数", unit_of_measure="家", module="合作")
    def provincial_cpe(years):
        return {(unit_id, year): Decimal(count), ...}

A source answers for a set of calendar years with a mapping ``(unit_id, year) → value``; a unit
id of ``None`` is a figure that belongs to the city as a whole. Formulas and targets do not change
when a registry takes over a figure that used to be typed in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

SourceFunction = Callable[[Sequence[int]], Mapping[tuple[int | None, int], Decimal]]


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    unit_of_measure: str
    module: str
    description: str
    compute: SourceFunction


_REGISTRY: dict[str, Source] = {}


def register(
    key: str, *, name: str, unit_of_measure: str = "", module: str = "", description: str = ""
) -> Callable[[SourceFunction], SourceFunction]:
    def decorate(func: SourceFunction) -> SourceFunction:
        if key in _REGISTRY and _REGISTRY[key].compute is not func:
            raise ValueError(f"indicator source {key!r} is registered twice")
        _REGISTRY[key] = Source(key, name, unit_of_measure, module, description, func)
        return func

    return decorate


def source_get(key: str) -> Source | None:
    return _REGISTRY.get(key)


def sources_all() -> list[Source]:
    return sorted(_REGISTRY.values(), key=lambda s: s.key)


def source_choices() -> list[tuple[str, str]]:
    return [("", gettext("单位填报"))] + [(s.key, f"{s.name}（{s.module}）") for s in sources_all()]
