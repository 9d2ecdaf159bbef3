"""The README's promises: its first two commands, and every code block marked `<!-- readme-test: runs -->` runs as
written (in a copy of the repository's corpus, with this test run's Python standing in for .venv/bin/python)."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
MARK = "<!-- readme-test: runs -->"


def runnable_blocks() -> list[list[str]]:
    blocks = []
    for match in re.finditer(re.escape(MARK) + r"\s*```[^\n]*\n(.*?)```", README, re.DOTALL):
        blocks.append([line for line in match.group(1).splitlines() if line.strip() and not line.startswith("#")])
    return blocks


def test_the_readme_starts_with_the_two_commands():
    first_block = re.search(r"```[^\n]*\n(.*?)```", README, re.DOTALL).group(1).splitlines()
    assert [line.split("#")[0].strip() for line in first_block] == ["make run", "make test"]
    assert (REPO / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("make test")


def test_marked_code_blocks_run_as_written(tmp_path: Path):
    blocks = runnable_blocks()
    assert blocks, "the README marks no block as runnable"
    shutil.copytree(REPO / "corpus", tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for line in (line for block in blocks for line in block):
        words = shlex.split(line)
        assert words[0] == ".venv/bin/python", f"a runnable line should use the project's Python: {line}"
        result = subprocess.run(
            [sys.executable, *words[1:]], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        assert result.stdout.strip(), f"{line} printed nothing"
