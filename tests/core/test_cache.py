"""Figures cached until the platform next changes."""

import pytest
from django.test import override_settings

from zhijiao.core import audit
from zhijiao.core.cache import until_change
from zhijiao.core.models import AuditAction

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.django_db
@override_settings(CACHES=LOCMEM)
def test_a_figure_is_computed_once_until_an_audit_row_is_written():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    first = until_change("test-figure", compute)
    again = until_change("test-figure", compute)
    audit.record(AuditAction.UPDATE, message="某项数据已修改", object_type="test.Thing")
    after = until_change("test-figure", compute)

    assert (first, again, after) == (1, 1, 2)
