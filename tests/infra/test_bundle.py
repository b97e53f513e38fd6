"""`make bundle` (terraform/bundle.py): what each function's upload holds, and that it runs on its own."""

from __future__ import annotations

import ast
import filecmp
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.infra.hcl import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "terraform"))
import bundle

from tests.infra.distributions import installed_closure

ENTRY_POINTS = sorted(path.stem for path in (REPO_ROOT / "functions").glob("*.py") if path.stem != "__init__")


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "functions"
    bundle.bundle(out)
    return out


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_one_folder_per_entry_point(staged):
    assert sorted(path.name for path in staged.iterdir()) == ENTRY_POINTS


def test_each_folder_has_main_py_the_shared_package_and_requirements(staged):
    shared_sources = {
        f"shared/{path.relative_to(REPO_ROOT / 'shared').as_posix()}"
        for path in (REPO_ROOT / "shared").rglob("*.py")
        if "local" not in path.relative_to(REPO_ROOT / "shared").parts and "__pycache__" not in path.parts
    }
    for name in ENTRY_POINTS:
        folder = staged / name
        assert filecmp.cmp(folder / "main.py", REPO_ROOT / "functions" / f"{name}.py", shallow=False)
        assert files_under(folder) == {"main.py", "requirements.txt"} | shared_sources, name


def test_the_local_stack_and_bytecode_stay_out(staged, tmp_path):
    for name in ENTRY_POINTS:
        files = files_under(staged / name)
        assert not any(path.startswith("shared/local/") for path in files)
        assert not any("__pycache__" in path or path.endswith((".pyc", ".pyo")) for path in files)
    # bytecode beside the sources is not copied either
    repo = tmp_path / "repo"
    (repo / "functions").mkdir(parents=True)
    (repo / "functions" / "ping.py").write_text("def ping(request):\n    return 'pong'\n")
    (repo / "shared" / "local").mkdir(parents=True)
    (repo / "shared" / "__init__.py").write_text("")
    (repo / "shared" / "local" / "stack.py").write_text("")
    (repo / "shared" / "__pycache__").mkdir()
    (repo / "shared" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")
    (repo / "shared" / "stray.pyc").write_bytes(b"")
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["flask==3.0.0"]\n')
    bundle.bundle(tmp_path / "out", repo)
    assert files_under(tmp_path / "out" / "ping") == {"main.py", "requirements.txt", "shared/__init__.py"}


def test_requirements_are_exactly_the_runtime_dependencies(staged):
    with open(REPO_ROOT / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    runtime = project["dependencies"]
    extras = {dep for group in project["optional-dependencies"].values() for dep in group}
    for name in ENTRY_POINTS:
        lines = (staged / name / "requirements.txt").read_text().splitlines()
        assert lines == runtime, name
        assert not set(lines) & extras
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", line) for line in runtime), "pin exactly"


def test_a_rebuild_replaces_the_staging_folder(staged, tmp_path):
    out = tmp_path / "functions"
    (out / "removed_function").mkdir(parents=True)
    bundle.bundle(out)
    assert sorted(path.name for path in out.iterdir()) == ENTRY_POINTS
    for name in ENTRY_POINTS:
        left, right = out / name, staged / name
        assert files_under(left) == files_under(right)
        for rel in files_under(left):
            assert (left / rel).read_bytes() == (right / rel).read_bytes(), f"{name}/{rel} differs between builds"


def test_every_module_the_bundle_imports_comes_with_its_requirements(staged):
    closure = installed_closure(bundle.runtime_requirements())
    distributions = importlib.metadata.packages_distributions()
    for name in ENTRY_POINTS:
        for path in (staged / name).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module_name in modules:
                    top = module_name.split(".")[0]
                    if top in sys.stdlib_module_names or top in {"shared", "main"}:
                        continue
                    owners = {dist.lower().replace("_", "-") for dist in distributions.get(top, [])}
                    assert owners & closure, (
                        f"{path.relative_to(staged)} imports {top}, which requirements.txt does not install"
                    )


def test_each_staged_function_imports_from_its_own_folder(staged):
    """main.py and shared/ load from the staged folder alone (as Cloud Functions will), and expose the entry point."""
    script = """
import importlib, sys
folder, name = sys.argv[1], sys.argv[2]
sys.path.insert(0, folder)
main = importlib.import_module("main")
import shared
assert shared.__file__.startswith(folder), shared.__file__
assert callable(getattr(main, name)), name
"""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    for name in ENTRY_POINTS:
        folder = staged / name
        result = subprocess.run(
            [sys.executable, "-c", script, str(folder), name],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"{name}: {result.stderr[-2000:]}"
