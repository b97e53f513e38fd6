"""What the worker image holds of shared/: the contract module alone, and the worker imports nothing more."""

import json
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_FILES = {"shared/__init__.py", "shared/domain/__init__.py", "shared/domain/contract.py"}


def _instructions(dockerfile: Path) -> list[list[str]]:
    """The Dockerfile's instructions as word lists, continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in dockerfile.read_text().splitlines():
        if not pending and line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        text = (pending + line).strip()
        pending = ""
        if text:
            instructions.append(shlex.split(text))
    return instructions


def _copies() -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY / ADD, flags such as --chown left out."""
    copies = []
    for words in _instructions(ROOT / "worker" / "Dockerfile"):
        if words[0].upper() in ("COPY", "ADD"):
            paths = [word for word in words[1:] if not word.startswith("--")]
            copies.append((paths[:-1], paths[-1]))
    return copies


def test_the_image_copies_exactly_the_contract_files_of_shared():
    shared_sources = []
    for sources, destination in _copies():
        for source in sources:
            path = source.removeprefix("./").rstrip("/")
            assert path not in ("", "."), f"COPY {source} would put all of shared/ into the image"
            if path == "shared" or path.startswith("shared/"):
                shared_sources.append(path)
                assert destination == f"/app/{path}", f"{path} must land at /app/{path}, not {destination}"
    assert sorted(shared_sources) == sorted(CONTRACT_FILES)
    assert (["worker"], "/app/worker") in _copies()
    for path in CONTRACT_FILES:
        assert (ROOT / path).is_file()


def test_the_worker_imports_only_the_contract_of_shared():
    # Every module of worker/ (the image's entry, its preload of the pipeline, the CLIs), in a fresh interpreter.
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (ROOT / "worker").rglob("*.py")
    )
    assert {"worker.main", "worker.handler", "worker.schema", "worker.pipeline"} <= set(modules)
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'shared')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["shared", "shared.domain", "shared.domain.contract"]
