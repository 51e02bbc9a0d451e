import pytest
from django.core.management import CommandError, call_command

from zhijiao.core.models import AuditEvent
from zhijiao.orgs.models import User


@pytest.mark.django_db
def test_first_system_administrator_from_the_command_line(monkeypatch):
    answers = iter(["Xitong#Guanli2026", "Xitong#Guanli2026"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("adduser", "admin1", "--role", "system_admin", "--name", "系统管理员")
    user = User.objects.get(username="admin1")
    assert user.role == "system_admin" and user.check_password("Xitong#Guanli2026")
    assert not user.is_superuser
    assert AuditEvent.objects.filter(
        object_type="orgs.User", object_id=str(user.pk), action="create"
    ).exists()


@pytest.mark.django_db
def test_weak_password_is_refused_in_chinese(monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "12345678")
    with pytest.raises(CommandError) as err:
        call_command("adduser", "admin2", "--role", "system_admin")
    assert "密码" in str(err.value)
    assert not User.objects.filter(username="admin2").exists()
