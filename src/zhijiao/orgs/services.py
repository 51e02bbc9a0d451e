"""Writes on units, users and tokens. Each writes its own audit row."""

from __future__ import annotations

from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijiao.core import audit
from zhijiao.core.codes import clean_credit_code
from zhijiao.core.errors import ServiceError
from zhijiao.core.models import AuditAction

from .auth import new_raw_token, token_digest
from .models import ApiToken, Unit, UnitKind, User

UNIT_FIELDS = ("name", "short_name", "kind", "parent", "credit_code", "is_active")


class EnterpriseErrorCode(StrEnum):
    NAME_TAKEN = "enterprise_name_taken"
    CODE_TAKEN = "enterprise_code_taken"


@transaction.atomic
def enterprise_register(*, name: str, credit_code: str, short_name: str = "") -> tuple[Unit, bool]:
    """The enterprise with this 统一社会信用代码, registered as a unit if new.

    The code identifies the enterprise: registering it again under the same name finds the same
    unit; the same code under another name, or the name of a unit with another code, is refused
    (the same enterprise twice is an error, not a second record).
    """
    code = clean_credit_code(credit_code)
    name = name.strip()
    existing = Unit.objects.select_for_update().filter(credit_code=code).first()
    if existing is not None:
        if existing.name != name and name not in existing.aliases:
            raise ServiceError(
                EnterpriseErrorCode.CODE_TAKEN,
                _("统一社会信用代码 {code} 已登记为“{existing}”，不能再登记为“{name}”").format(
                    code=code, existing=existing.name, name=name
                ),
            )
        return existing, False
    same_name = Unit.objects.filter(name=name).first()
    if same_name is not None:
        if same_name.credit_code:
            raise ServiceError(
                EnterpriseErrorCode.NAME_TAKEN,
                _("“{name}”已登记，统一社会信用代码为 {registered}，与 {code} 不一致").format(
                    name=name, registered=same_name.credit_code, code=code
                ),
            )
        # A unit created before its code was known (for example by the plan loader): complete it.
        audit.save_changes(same_name, {"credit_code": code}, message="补登统一社会信用代码")
        return same_name, False
    unit = Unit.objects.create(
        name=name, kind=UnitKind.ENTERPRISE, short_name=short_name, credit_code=code
    )
    audit.record(
        AuditAction.CREATE,
        obj=unit,
        changes={k: [None, v] for k, v in audit.snapshot(unit, UNIT_FIELDS).items()},
    )
    return unit, True


@transaction.atomic
def unit_get_or_create(
    *, name: str, kind: str = UnitKind.OTHER, short_name: str = ""
) -> tuple[Unit, bool]:
    """The unit of this name, created if new. Names are unique across the platform."""
    unit = Unit.objects.filter(name=name).first()
    if unit is not None:
        return unit, False
    unit = Unit.objects.create(name=name, kind=kind, short_name=short_name)
    audit.record(
        AuditAction.CREATE,
        obj=unit,
        changes={k: [None, v] for k, v in audit.snapshot(unit, UNIT_FIELDS).items()},
    )
    return unit, True


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    unit: Unit | None,
    full_name: str = "",
    password: str | None = None,
    email: str = "",
) -> User:
    user = User(username=username, role=role, unit=unit, full_name=full_name, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        AuditAction.CREATE,
        obj=user,
        changes={
            k: [None, v]
            for k, v in audit.snapshot(user, ("username", "role", "unit", "full_name")).items()
        },
    )
    return user


@transaction.atomic
def token_create(*, user: User, name: str = "") -> str:
    """Creates a token and returns it in clear text: the only moment it can be seen."""
    raw = new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], digest=token_digest(raw))
    audit.record(AuditAction.TOKEN, obj=token, message=f"为 {user.username} 创建 API 令牌")
    return raw


@transaction.atomic
def token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(AuditAction.TOKEN, obj=token, message=f"吊销 {token.user.username} 的 API 令牌")
