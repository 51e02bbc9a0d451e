"""Errors a user can cause: a code for programs, a Chinese message for people."""

from __future__ import annotations

from enum import StrEnum


class ServiceError(Exception):
    """Raised by a service when a request cannot be carried out; nothing has been changed."""

    status_code = 400

    def __init__(self, code: StrEnum, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status_code is not None:
            self.status_code = status_code

    def __str__(self) -> str:
        return self.message
