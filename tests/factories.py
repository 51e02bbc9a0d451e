"""Factories for tests: units, users of every role, the loaded plan."""

from __future__ import annotations

from pathlib import Path

import factory
from django.utils import timezone

from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.orgs.roles import Role

REPO = Path(__file__).resolve().parent.parent
OFFICIAL_PLAN = REPO / "data" / "plans" / "jiangyin-2021-vet-reform-plan.txt"
PASSWORD = "Zhijiao#2026test"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.GOVERNMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.UNIT_LIAISON
    unit = factory.SubFactory(UnitFactory)
    last_login = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password", "password_changed_at"])
