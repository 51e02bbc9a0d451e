"""Destructive actions ask first: every button of a template whose words revoke or delete
something (撤销, 删除) carries a confirmation, so a slip of the finger changes nothing.

The browser journeys show the dialog works (tests/e2e/test_creditbank_phone_journey.py cancels,
then confirms, the withdrawal of a transcript code); this guard finds a new button without one.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "zhijiao"
BUTTON = re.compile(r"<button\b(?P<attrs>[^>]*)>(?P<text>.*?)</button>", re.S)
DESTRUCTIVE = re.compile(r"撤销|删除")


def unconfirmed(text: str) -> list[str]:
    """The destructive buttons in a template's text that do not ask for confirmation."""
    return [
        m.group(0)
        for m in BUTTON.finditer(text)
        if DESTRUCTIVE.search(m.group("text")) and "confirm(" not in m.group("attrs")
    ]


def test_the_guard_finds_a_button_that_does_not_ask():
    assert unconfirmed('<button class="zj-btn" type="submit">{% translate "撤销认定" %}</button>')
    assert not unconfirmed(
        '<button type="submit" onclick="return confirm(\'…\')">{% translate "删除" %}</button>'
    )
    assert not unconfirmed('<button type="submit">{% translate "保存" %}</button>')


def test_every_destructive_button_asks_first():
    found = {
        str(path.relative_to(SRC)): unconfirmed(path.read_text(encoding="utf-8"))
        for path in sorted(SRC.glob("*/templates/**/*.html"))
    }
    assert {name: buttons for name, buttons in found.items() if buttons} == {}
