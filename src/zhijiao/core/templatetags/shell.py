"""Tags of the application shell."""

from __future__ import annotations

from django import template
from django.contrib import admin
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def sidebar_links(context: template.Context) -> SafeString:
    """The sidebar's links, rendered by Unfold's template and kept by the site."""
    return admin.site.sidebar_html(context)  # type: ignore[attr-defined]
