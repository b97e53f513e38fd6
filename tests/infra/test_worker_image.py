"""The worker image (worker/Dockerfile, built from the repository root): .dockerignore keeps the virtual
environments, node_modules and the rest out of the build context but nothing the Dockerfile copies, and
worker/requirements.txt installs every package the worker imports."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shlex
import sys

from docker.utils.build import exclude_paths

from tests.infra.distributions import installed_closure, requirement_name
from tests.infra.hcl import REPO_ROOT

DOCKERFILE = REPO_ROOT / "worker" / "Dockerfile"


def context() -> set[str]:
    """What `docker build -f worker/Dockerfile .` sends, by docker's own reading of .dockerignore."""
    lines = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return set(exclude_paths(str(REPO_ROOT), patterns, dockerfile="worker/Dockerfile"))


def copied_sources() -> list[str]:
    sources = []
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith(("COPY ", "ADD ")):
            words = [word for word in shlex.split(line)[1:] if not word.startswith("--")]
            sources += words[:-1]
    return sources


def test_the_build_context_has_what_the_dockerfile_copies():
    sent = context()
    sources = copied_sources()
    assert "worker/requirements.txt" in sources and "worker" in sources
    for source in sources:
        assert source in sent, f"{source} is copied by worker/Dockerfile but left out by .dockerignore"
        if (REPO_ROOT / source).is_dir():
            files = {
                path.relative_to(REPO_ROOT).as_posix()
                for path in (REPO_ROOT / source).rglob("*")
                if path.is_file() and "__pycache__" not in path.parts
            }
            assert files <= sent, files - sent


def test_the_build_context_leaves_out_environments_packages_and_tests():
    sent = context()
    for heavy in (".venv", ".git", "frontend/node_modules", "frontend/dist", ".run", "build", "tests"):
        assert not any(path == heavy or path.startswith(f"{heavy}/") for path in sent), heavy
    assert not any("__pycache__" in path or path.endswith(".pyc") for path in sent)


def test_the_dockerfile_pins_no_package_itself():
    """Every pin is pyproject.toml's, through worker/requirements.txt; the Dockerfile names none."""
    text = DOCKERFILE.read_text()
    installs = [part for part in re.split(r"&&|\n(?=RUN)", text) if "pip install" in part]
    assert installs
    for part in installs:
        assert not re.search(r"(?<![\w.-])(?!pip==)[A-Za-z0-9_.-]+==\d", part), part


def test_every_module_the_worker_imports_comes_with_its_requirements():
    text = (REPO_ROOT / "worker" / "requirements.txt").read_text()
    installed = installed_closure([line for line in text.splitlines() if line and not line.startswith("#")])
    distributions = importlib.metadata.packages_distributions()
    for path in (REPO_ROOT / "worker").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in {"worker", "shared", "__future__"}:
                    continue
                owners = {requirement_name(dist) for dist in distributions.get(top, [])}
                assert owners & installed, f"{path.relative_to(REPO_ROOT)} imports {top}, not in requirements.txt"
