"""Typed errors. The library raises these; the CLI maps them to a message and an exit code.

Exit codes (SPEC section 7): 0 ok, 1 a check failed, 2 usage or config error, 3 warehouse or
connection error.
"""

from __future__ import annotations


class B2BError(Exception):
    """Base of every error a user can cause or fix. Never carries a secret."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  fix: {self.hint}"


class ConfigError(B2BError):
    """A project or profiles file is missing, malformed, or names something that does not exist."""

    exit_code = 2


class TemplateError(B2BError):
    """A SQL template failed to render; names the template file and line."""

    exit_code = 2


class UnsafeSQLError(B2BError):
    """A statement was refused before it reached the warehouse (e.g. a write from the validator)."""

    exit_code = 2


class MissingDriverError(B2BError):
    """The warehouse driver for a profile type is not installed."""

    exit_code = 3


class WarehouseError(B2BError):
    """The warehouse refused a statement or the connection failed."""

    exit_code = 3
    view: str | None = None  # the view being created when the engine refused (apply)


class ChecksFailed(B2BError):
    """At least one error-severity check failed (the report has already been rendered)."""

    exit_code = 1
