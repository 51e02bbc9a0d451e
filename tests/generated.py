"""Generated data for tests that walk the whole platform: the official plan and
``zhijiao gendata --scale tiny`` (every module filled, several schools, enterprises, learners and
experts), and one user of every role to walk it with."""

from __future__ import annotations

from django.core.management import call_command

from tests.factories import OFFICIAL_PLAN
from zhijiao.orgs.models import User
from zhijiao.orgs.roles import Role

TODAY = "2026-11-29"


def generate(fraction: float = 1.0) -> None:
    call_command("loadplan", str(OFFICIAL_PLAN), verbosity=0)
    call_command(
        "gendata", "--scale", "tiny", "--fraction", str(fraction), "--today", TODAY, verbosity=0
    )


def walkers() -> dict[str, User]:
    """One active user per role; for school clerks, two of different schools."""
    found: dict[str, User] = {}
    for role in Role:
        users = list(User.objects.filter(role=role, is_active=True).order_by("username")[:20])
        if users:
            found[role.value] = users[0]
        if role == Role.SCHOOL_CLERK:
            other = next((u for u in users if u.unit_id != users[0].unit_id), None)
            if other is not None:
                found["school_clerk_2"] = other
    return found
