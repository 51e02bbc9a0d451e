"""`zhijiao gendata`: on a database holding only the plan, the tiny scale fills every module with
consistent data — the same rows for the same seed, the counts configured, an intact ledger, pages
that answer — and a database that already holds data is refused."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from tests.factories import OFFICIAL_PLAN
from zhijiao.cooperation.models import FamousProject
from zhijiao.core.gendata.base import SCALES
from zhijiao.core.personal import lookup_digest
from zhijiao.creditbank import ledger, selectors
from zhijiao.creditbank.data import ID_PURPOSE
from zhijiao.creditbank.models import (
    Application,
    CreditRecord,
    Learner,
    Outcome,
    TranscriptShare,
)
from zhijiao.evaluation.models import Round as EvaluationRound
from zhijiao.orgs.models import Unit, UnitKind, User
from zhijiao.people.models import Student, Teacher
from zhijiao.plan.models import ProgressReport
from zhijiao.talent.models import DemandSurvey, EnterpriseProfile, Posting

pytestmark = pytest.mark.django_db(transaction=False)

TODAY = "2026-11-29"
# Tables and their columns (all when None); the plan's own units carry the time they were loaded.
HASHED_COLUMNS = {"orgs_unit": "id, name, short_name, kind, parent_id, credit_code"}
HASHED = [
    "orgs_unit",
    "orgs_user",
    "people_teacher",
    "people_student",
    "people_award",
    "talent_demandline",
    "talent_posting",
    "talent_supplyrecord",
    "creditbank_learner",
    "creditbank_outcome",
    "creditbank_application",
    "creditbank_applicationevent",
    "creditbank_creditrecord",
    "creditbank_ledgerentry",
]
PAGES = [
    "/plan/",
    "/targets/",
    "/people/teachers/",
    "/people/students/",
    "/people/awards/",
    "/people/training/",
    "/talent/demand/",
    "/talent/postings/",
    "/talent/supply/",
    "/talent/analysis/",
    "/credit/applications/",
    "/credit/learners/",
    "/credit/rules/",
    "/credit/stats/",
    "/cooperation/enterprises/",
    "/cooperation/projects/",
    "/evaluation/rounds/",
]


def fresh_sequences() -> None:
    """Sequences as a new database has them (PostgreSQL's do not roll back with the test)."""
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def generate(seed: int = 7, *args: str) -> str:
    fresh_sequences()
    call_command("loadplan", str(OFFICIAL_PLAN), stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "gendata", "--scale", "tiny", "--seed", str(seed), "--today", TODAY, *args, stdout=out
    )
    return out.getvalue()


def content_hash() -> dict[str, str]:
    digests = {}
    with connection.cursor() as cursor:
        for table in HASHED:
            columns = HASHED_COLUMNS.get(table, "*")
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608 - fixed names
            digests[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests


def generated_twice(
    seed_a: int, seed_b: int, workers: tuple[str, str] = ("1", "1")
) -> tuple[dict[str, str], dict[str, str]]:
    hashes = []
    for seed, processes in zip((seed_a, seed_b), workers, strict=True):
        with transaction.atomic():
            generate(seed, "--workers", processes, "--only", "people,talent,creditbank")
            hashes.append(content_hash())
            transaction.set_rollback(True)
    return hashes[0], hashes[1]


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    first, second = generated_twice(7, 7)
    assert first == second
    # Drawn by two processes, chunk by chunk: still the same rows.
    _, parallel = generated_twice(7, 7, workers=("1", "2"))
    assert parallel == first
    _, other = generated_twice(7, 8)
    changed = {table for table in HASHED if first[table] != other[table]}
    assert {"creditbank_learner", "people_student", "talent_posting"} <= changed


def test_tiny_scale_is_consistent_and_counted_as_configured(client):
    out = generate()
    scale = SCALES["tiny"]

    assert "完成：规模 tiny" in out and "creditbank_ledgerentry" in out
    assert Learner.objects.count() == scale.learners
    assert Student.objects.count() == scale.students
    assert Teacher.objects.count() == scale.teachers
    assert Posting.objects.count() == scale.postings
    # The generated enterprises; the cooperation story adds its own, marked “（演示）”.
    generated = Unit.objects.filter(kind=UnitKind.ENTERPRISE).exclude(name__endswith="（演示）")
    assert generated.count() == scale.enterprises
    assert EnterpriseProfile.objects.count() == scale.enterprises
    assert DemandSurvey.objects.exists()
    records = Outcome.objects.count() + CreditRecord.objects.count()
    assert 0.6 * scale.learning_records <= records <= 1.4 * scale.learning_records

    # The ledger chains every credit and revocation and verifies, checkpoint included.
    report = ledger.verify()
    assert report.intact and report.checkpoints == 1
    assert report.entries == Application.objects.filter(
        status__in=["credited", "revoked"]
    ).count() + (Application.objects.filter(status="revoked").count())
    # Personal data reads back through the models' fields; the lookup digest finds the person.
    student = Student.objects.order_by("pk").first()
    learner = Learner.objects.get(id_lookup=lookup_digest(student.id_number, purpose=ID_PURPOSE))
    assert learner.name == student.name and learner.school_id == student.school_id
    # A share verifies against the ledger like one made through the services.
    share = TranscriptShare.objects.order_by("pk").first()
    assert share is not None and selectors.verify(share.code).genuine
    # The small modules' stories ran on the generated units and accounts.
    assert ProgressReport.objects.exists() and FamousProject.objects.exists()
    assert EvaluationRound.objects.filter(entries__isnull=False).exists()

    client.force_login(User.objects.get(username="office"))
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, page


def test_a_database_with_data_is_refused():
    generate(7, "--only", "creditbank")
    with pytest.raises(CommandError, match="已有数据"):
        call_command("gendata", "--scale", "tiny", stdout=io.StringIO())


def test_a_database_without_the_plan_is_refused():
    with pytest.raises(CommandError, match="loadplan"):
        call_command("gendata", "--scale", "tiny", stdout=io.StringIO())
