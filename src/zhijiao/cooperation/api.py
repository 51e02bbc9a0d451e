"""The cooperation and school-governance registries over the API (added under /api/v1/).

Each registry answers ``GET /cooperation/<registry>`` (the list, with the page's filters as query
parameters), ``GET …/item?id=`` (one record), ``POST …`` (create), ``PATCH …/item?id=`` (change
the fields given) and ``POST …/<action>?id=`` (a level decision, a member joining…). Reads keep to
the caller's scope (``visible_to``: out of scope is 404); writes go through the same forms and
services as the pages, with the same Chinese errors and audit rows.
"""

from ninja import Router

from .registries import REGISTRIES

router = Router(tags=["校企合作"])
for _registry in REGISTRIES:
    _registry.add_api_routes(router)
