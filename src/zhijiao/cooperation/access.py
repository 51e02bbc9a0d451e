"""Who may use the module's pages and API routes (merged into ``zhijiao.core.access``).

Every entry comes from the registry declarations in ``registries.py``: the roles holding
COOPERATION_VIEW see the lists, details and exports (within their scope), those holding
COOPERATION_MANAGE register, edit and import, and the plan office (COOPERATION_DECIDE) decides
levels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

from zhijiao.core.access import Access, MenuItem
from zhijiao.core.registry import roles_with

from .registries import MANAGE, REGISTRIES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGES: dict[str, Access] = {}
API: dict[tuple[str, str], Access] = {}
for _registry in REGISTRIES:
    PAGES.update(_registry.pages())
    API.update(_registry.api_access())
# The unit search of the registries' forms (zhijiao.core.unitsearch): its only sources are this
# module's, for those who register and edit.
PAGES["unit-search"] = Access("查找企业和成员单位（登记表单）", roles_with(MANAGE))

MENU: tuple[StrOrPromise, list[MenuItem]] = (
    gettext_lazy("校企合作与学校治理"),
    [r.menu_item() for r in REGISTRIES],
)
