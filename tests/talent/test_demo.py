"""`zhijiao demotalent`: a few hundred enterprises and three years of surveys, once."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from zhijiao.core.codes import clean_credit_code
from zhijiao.orgs.models import Unit, UnitKind
from zhijiao.talent.data import SurveyStatus
from zhijiao.talent.models import (
    DemandSurvey,
    EnterpriseProfile,
    Posting,
    SupplyRecord,
    SurveyRound,
)

pytestmark = pytest.mark.django_db


def test_the_demo_needs_the_catalogues():
    with pytest.raises(CommandError) as caught:
        call_command("demotalent")
    assert "请先载入" in str(caught.value)


def test_the_demo_is_loaded_once(catalogues, capsys):
    call_command("demotalent", "--postings", "300")
    enterprises = Unit.objects.filter(kind=UnitKind.ENTERPRISE)
    assert enterprises.count() >= 300
    assert all(clean_credit_code(u.credit_code) == u.credit_code for u in enterprises)
    assert all(u.credit_code[2:8] == "320281" for u in enterprises)
    assert EnterpriseProfile.objects.count() == enterprises.count()
    assert set(EnterpriseProfile.objects.values_list("cluster", flat=True)) >= {
        "metallurgy",
        "textiles",
        "petrochemicals",
        "equipment",
        "semiconductors",
        "new_energy",
        "logistics",
    }
    for year in (2023, 2024, 2025):
        counted = DemandSurvey.objects.filter(
            round__year=year, status__in=[SurveyStatus.SUBMITTED, SurveyStatus.ACCEPTED]
        )
        assert counted.count() > 200, year
        assert not counted.filter(lines__isnull=True).exists()
    # Postings (classified on import) and every school's supply, for each of the three years.
    assert 280 <= Posting.objects.count() <= 300
    assert Posting.objects.filter(occupation__isnull=False).count() > 250
    assert set(Posting.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    schools = Unit.objects.filter(kind=UnitKind.SCHOOL)
    assert set(SupplyRecord.objects.values_list("school", flat=True)) == set(
        schools.values_list("pk", flat=True)
    )
    surveys = DemandSurvey.objects.count()
    postings, supplied = Posting.objects.count(), SupplyRecord.objects.count()
    capsys.readouterr()
    call_command("demotalent", "--postings", "300")
    assert "新增填报 0 份" in capsys.readouterr().out
    assert DemandSurvey.objects.count() == surveys
    assert (Posting.objects.count(), SupplyRecord.objects.count()) == (postings, supplied)
    assert SurveyRound.objects.filter(status="open").count() == 1
