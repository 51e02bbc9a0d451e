"""The one data-scope mechanism.

Every model a unit may own has a queryset deriving from :class:`ScopedQuerySet` and says, in
:meth:`ScopedQuerySet.scope_q`, which rows a user who does not see everything may see. Lists,
details, exports and API endpoints all go through :meth:`visible_to` and :func:`get_visible_or_404`;
an object outside the user's scope is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from zhijiao.orgs.models import User

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    def scope_q(self, user: User) -> models.Q:
        """Rows visible to a user limited to their own unit. Subclasses say what that means."""
        raise NotImplementedError(f"{self.model.__name__} must define scope_q")

    def visible_to(self, user: Any) -> Self:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_units:
            return self.all()
        if user.unit_id is None:
            return self.none()
        return self.filter(self.scope_q(user))


def scope_key(user: Any) -> str:
    """A name for what ``visible_to(user)`` shows, for figures kept per scope (core.cache): the
    same for every user who sees all units, else the role and the unit."""
    if user.sees_all_units:
        return "all"
    return f"{user.role}:{user.unit_id}"


def get_visible_or_404(queryset: ScopedQuerySet[M], user: Any, **lookup: Any) -> M:
    """Fetch one object the user may see; missing and forbidden answer the same way."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("未找到")) from exc
