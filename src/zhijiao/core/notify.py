"""In-app notifications, with an e-mail copy sent once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from .models import Notification


def notify(users: Iterable[Any], *, title: str, body: str = "", link: str = "") -> None:
    recipients = list(users)
    Notification.objects.bulk_create(
        [Notification(recipient=u, title=title, body=body, link=link) for u in recipients]
    )
    mails = [
        (title, f"{body}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in recipients
        if u.email
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
