"""The Docker image and compose.yaml start and answer /readyz (make docker-smoke), where Docker runs."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def docker_daemon_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    docker = shutil.which("docker") or "docker"
    return subprocess.run([docker, "info"], capture_output=True, check=False).returncode == 0  # noqa: S603 - fixed


def test_the_image_builds_and_the_stack_becomes_ready():
    if not docker_daemon_answers():
        pytest.skip("no Docker daemon on this machine (docker info failed): make docker-smoke skipped")
    make = shutil.which("make") or "make"
    result = subprocess.run([make, "docker-smoke"], cwd=ROOT,  # noqa: S603 - fixed arguments
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "docker-smoke: ready" in result.stdout


def test_the_image_installs_the_locked_requirements_with_hashes_and_runs_as_a_plain_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.txt" in dockerfile
    assert "\nUSER " in dockerfile and "gunicorn.conf.py" in dockerfile
