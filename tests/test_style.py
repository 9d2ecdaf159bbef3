"""The code style the project keeps (pyproject.toml [tool.ruff]): lint, with lines of at most 120 characters, and
ruff's formatting. Both are run by the test run so a change that breaks them fails here, not in review."""

import subprocess
import sys
from pathlib import Path

from support import REPO

RUFF = Path(sys.executable).parent / "ruff"


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(RUFF), *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_lint_is_clean():
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = ruff("format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
