"""One mapping of a failure to a message and an exit code for every command (decision 0049)."""

from __future__ import annotations

import pytest
import typer

from lingtan.adapters.cli.common import fail
from lingtan.adapters.services.errors import (
    EXIT_CODES,
    ServiceError,
    conflict,
    forbidden,
    invalid,
    not_found,
)
from lingtan.core.errors import WorkspaceError


@pytest.mark.parametrize(
    ("error", "code"),
    [(invalid("bad"), 2), (not_found("snapshot x"), 3), (forbidden("no"), 4), (conflict("dup"), 5)],
)
def test_a_service_refusal_exits_with_the_code_of_its_kind(
    error: ServiceError, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_ = fail(error)
    assert isinstance(exit_, typer.Exit)
    assert exit_.exit_code == code == EXIT_CODES[error.kind]
    assert error.message in capsys.readouterr().err


def test_an_unusable_input_keeps_exit_code_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert fail(WorkspaceError("no lingtan.yaml")).exit_code == 1
    assert "error: no lingtan.yaml" in capsys.readouterr().err
    assert fail(WorkspaceError("busy"), 75).exit_code == 75
