"""Who may use the module's pages and API routes (merged into ``zhijiao.core.access``)."""

from zhijiao.core.access import Access

PAGES: dict[str, Access] = {}

API: dict[tuple[str, str], Access] = {}
