"""The Dockerfile, checked without a Docker daemon: hadolint, the structure we rely on, the README in step."""

import re
import subprocess
import sys
from pathlib import Path

from support import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text(encoding="utf-8")


def test_hadolint_finds_nothing():
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run([str(hadolint), str(REPO / "Dockerfile")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_structure():
    stages = re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE)
    assert len(stages) >= 2 and all(s.startswith("python:") and s.endswith("-slim") for s in stages)
    assert re.search(r"^USER 10001$", DOCKERFILE, re.MULTILINE)  # non-root
    assert "RUN python -m index build /data/corpus --db /data/index.db" in DOCKERFILE  # index built into the image
    assert re.search(r"^HEALTHCHECK ", DOCKERFILE, re.MULTILINE)
    assert DOCKERFILE.rstrip().endswith('CMD ["python", "-m", "bot"]')
    assert (
        "COPY pyproject.toml" in DOCKERFILE and "pip install --no-cache-dir ." in DOCKERFILE
    )  # from the project's own files


def test_readme_matches_the_image():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docker build -t policy-news-bot ." in readme
    assert "-v policy-news-data:/data" in readme
    for variable in ("INDEX_DB=/data/index.db", "FEEDBACK_DB=/data/feedback.db", "CORPUS_DIR=/data/corpus"):
        assert variable in DOCKERFILE and variable.split("=")[1] in readme
