"""worker/requirements.txt is generated from pyproject.toml (python -m worker.requirements), so the worker's
pins have one source; the committed file is the generated one."""

import tomllib

from worker import requirements

PYPROJECT = requirements.REPO_ROOT / "pyproject.toml"


def pins(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_the_committed_file_is_the_generated_one():
    assert requirements.TARGET.read_text(encoding="utf-8") == requirements.requirements_text(), (
        f"{requirements.TARGET} is stale; run: {requirements.REGENERATE}"
    )


def test_every_pin_is_pyprojects_torch_first():
    with open(PYPROJECT, "rb") as handle:
        project = tomllib.load(handle)["project"]
    lines = pins(requirements.requirements_text())
    assert lines[0].startswith("torch==")  # worker/Dockerfile installs this line from the CUDA index
    assert set(lines) == set(project["optional-dependencies"]["worker"]) | {
        spec for spec in project["dependencies"] if spec.split("==")[0] in requirements.FROM_RUNTIME
    }
    assert len(lines) == len(set(lines))


def test_the_command_checks_and_writes_the_file(tmp_path, monkeypatch, capsys):
    assert requirements.main(["--check"]) == 0
    stale = tmp_path / "requirements.txt"
    stale.write_text("torch==0.1\n")
    monkeypatch.setattr(requirements, "TARGET", stale)
    assert requirements.main(["--check"]) == 1
    assert requirements.REGENERATE in capsys.readouterr().err
    assert requirements.main(["--write"]) == 0
    assert stale.read_text() == requirements.requirements_text()
