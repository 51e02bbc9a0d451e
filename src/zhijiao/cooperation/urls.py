"""The module's pages, mounted among the shell's pages (reversed as "admin:<name>")."""

from django.urls import URLPattern

from .registries import REGISTRIES

urlpatterns: list[URLPattern] = [p for r in REGISTRIES for p in r.urlpatterns()]
