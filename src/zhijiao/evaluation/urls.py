"""The module's pages, mounted among the shell's pages (reversed as "admin:<name>")."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
