"""Object scope (IDOR) on every object page, for every role, against the one scope mechanism.

Data: the official plan and ``zhijiao gendata --scale tiny`` — every module filled, several
schools, enterprises, learners and experts. For each page whose URL names an object by ``pk``
the walker finds out which model the page looks the object up in (the model whose
``visible_to`` the view asks when opened with an id that does not exist), then opens the page
as one user of every role with two objects of that model: one inside the user's scope and one
outside it, as ``Model.objects.visible_to(user)`` — the platform's single scope mechanism —
decides. An object outside the scope must answer 404 (or 403 where the role may not use the page
at all); one inside must never answer a server error. A page that looks nothing up through
``visible_to`` fails the walk unless it is listed below with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager

import pytest
from django.urls import URLPattern, reverse

from tests.generated import generate, walkers
from zhijiao.core.access import PAGES
from zhijiao.core.scope import ScopedQuerySet
from zhijiao.evaluation.models import Assignment, Entry, SelfClaim
from zhijiao.orgs.roles import Role
from zhijiao.urls import shell_urlpatterns

pytestmark = pytest.mark.django_db

MISSING = 987654321
# Pages whose object is not found through a unit-scoped query, and why that is right.
NOT_UNIT_SCOPED = {
    "job-download": "a job's file belongs to the user who started the job (owner check)",
    # City-wide objects: the page is the same for everyone allowed; what it lists inside is
    # scoped (the module's tests check the lists).
    "people-eaglet-round": "a 技能雏鹰 round is the city's; nominations inside are scoped",
    "people-eaglet-round-edit": "office only (capability), city-wide round",
    "people-eaglet-nominations": "city-wide round; eaglet_selectors.nominations_visible",
    "people-eaglet-nominate": "city-wide round; a school nominates its own students only",
    "people-eaglet-export": "city-wide round; the export lists nominations_visible",
    "people-eaglet-notice": "the public notice of a round, the same for everyone allowed",
    "people-competition": "a competition is a shared catalogue entry; awards inside are scoped",
    "people-competition-edit": "office only (capability), shared catalogue",
    "cooperation-directory-detail": "the enterprise directory is shared by design",
    "creditbank-rule": "conversion rules are standards every school reads (mutual recognition "
    "works from other schools' rules); editing is the publisher's or the bank's alone",
    "evaluation-scheme": "an evaluation scheme is the city's",
    "evaluation-scheme-edit": "office only (capability)",
    "evaluation-round": "a round is the city's; its entries are shown through entries_visible",
    "evaluation-round-assign": "office only (capability)",
    "evaluation-reconcile": "office only (capability)",
    "evaluation-results": "a round's results page lists selectors.entries_visible only",
}
# Object pages the generated data has no object for yet (gendata makes no 技能雏鹰 nominations,
# teaching teams, 双师型 bases or 中高职贯通 programmes); tests/people walks their scope.
NO_GENERATED_OBJECT = {
    "people-nomination",
    "people-team",
    "people-team-edit",
    "people-base",
    "people-base-edit",
    "people-through-programme",
    "people-through-edit",
}
# Pages whose object is scoped by something other than the unit: model and who may see which.
SCOPED_OTHERWISE = {
    # An expert sees their own assignments only.
    "evaluation-score": (Assignment, lambda user: Assignment.objects.filter(expert=user)),
    # Evidence of a self-assessment: the school's own (and its bureau's), or an assigned expert's.
    "evaluation-evidence": (
        SelfClaim,
        lambda user: (
            SelfClaim.objects.filter(entry__assignments__expert=user)
            if user.role == Role.EXPERT
            else SelfClaim.objects.filter(entry__in=Entry.objects.visible_to(user))
        ),
    ),
}


def object_pages() -> list[URLPattern]:
    return [
        p
        for p in shell_urlpatterns
        if list(p.pattern.converters) == ["pk"]  # type: ignore[attr-defined]
        and "GET" in PAGES[p.name].methods
    ]


@contextmanager
def recording():
    """Records the model of every ``visible_to`` call made while the block runs."""
    seen: list[type] = []
    original = ScopedQuerySet.visible_to

    def visible_to(self, user):
        seen.append(self.model)
        return original(self, user)

    ScopedQuerySet.visible_to = visible_to  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        ScopedQuerySet.visible_to = original  # type: ignore[method-assign]


@pytest.fixture
def generated(db):
    generate()


def test_every_object_page_keeps_to_the_scope_of_every_role(client, generated):
    users = walkers()
    office = users[Role.PLAN_OFFICE.value]
    problems: list[str] = []
    checked = defaultdict(int)

    client.force_login(office)
    with recording() as baseline:
        client.get(reverse("admin:plan-dashboard"))
    ambient = set(baseline)  # what the shell itself asks (menus, counters)

    for pattern in object_pages():
        name = pattern.name
        allowed_roles = PAGES[name].roles
        finder = (
            office
            if office.role in allowed_roles
            else next((u for u in users.values() if u.role in allowed_roles), None)
        )
        if finder is None:
            problems.append(f"{name}: 没有可以打开此页面的用户")
            continue
        if name in NOT_UNIT_SCOPED:
            continue
        if name in SCOPED_OTHERWISE:
            model, oracle = SCOPED_OTHERWISE[name]
        else:
            with recording() as seen:
                client.force_login(finder)
                client.get(reverse(f"admin:{name}", kwargs={"pk": MISSING}))
            models = [m for m in dict.fromkeys(seen) if m not in ambient] or list(
                dict.fromkeys(seen)
            )
            if not models:
                problems.append(f"{name}: 未经 visible_to 查找对象")
                continue
            model = models[0]
            oracle = model.objects.visible_to
        for label, user in users.items():
            visible = oracle(user)
            inside = visible.order_by("pk").first()
            outside = model.objects.exclude(pk__in=visible.values("pk")).order_by("pk").first()
            client.force_login(user)
            if outside is not None:
                status = client.get(reverse(f"admin:{name}", kwargs={"pk": outside.pk})).status_code
                expected = {404} if user.role in allowed_roles else {403, 404}
                if status not in expected:
                    problems.append(
                        f"{name} {model.__name__}#{outside.pk} 范围外 {label}: {status}"
                    )
                checked[name] += 1
            if inside is not None:
                status = client.get(reverse(f"admin:{name}", kwargs={"pk": inside.pk})).status_code
                if status >= 500 or (user.role not in allowed_roles and status != 403):
                    problems.append(f"{name} {model.__name__}#{inside.pk} 范围内 {label}: {status}")
                checked[name] += 1
    assert not problems, "\n".join(problems)
    # The walk reached every object page that looks its object up through the scope mechanism.
    walked = {p.name for p in object_pages()} - set(NOT_UNIT_SCOPED) - NO_GENERATED_OBJECT
    assert walked <= set(checked), sorted(walked - set(checked))
