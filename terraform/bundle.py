"""Stage each Cloud Function's source for Terraform: `python terraform/bundle.py` (what `make bundle` runs).

For every entry point `functions/<name>.py` it writes `build/functions/<name>/`:

- `main.py`: a copy of the entry point (the Python runtime of Cloud Functions loads `main.py`),
- `shared/`: the project's package, without `shared/local/` (the local stack) and without bytecode,
- `requirements.txt`: exactly the runtime dependencies of pyproject.toml (no worker or test extras).

Terraform's `archive_file` zips each folder and names the upload by the zip's hash, so a change to any staged
file redeploys the function that carries it. The staging folder is rebuilt from scratch every run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "build" / "functions"
EXCLUDED_SHARED_DIRS = {"local", "__pycache__"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo"}


def entry_points(repo_root: Path = REPO_ROOT) -> list[str]:
    """The function names: one per `functions/<name>.py` (the package marker excluded)."""
    return sorted(path.stem for path in (repo_root / "functions").glob("*.py") if path.stem != "__init__")


def runtime_requirements(repo_root: Path = REPO_ROOT) -> list[str]:
    """`[project].dependencies` of pyproject.toml, in order: what a deployed function needs, nothing more."""
    with open(repo_root / "pyproject.toml", "rb") as handle:
        project = tomllib.load(handle)["project"]
    return list(project["dependencies"])


def _ignore_for_shared(directory: str, names: list[str]) -> set[str]:
    ignored = set()
    for name in names:
        path = Path(directory) / name
        if path.is_dir() and name in EXCLUDED_SHARED_DIRS:
            ignored.add(name)
        elif path.suffix in EXCLUDED_SUFFIXES:
            ignored.add(name)
    return ignored


def stage(name: str, out_dir: Path, repo_root: Path = REPO_ROOT, requirements: list[str] | None = None) -> Path:
    """Write one function's folder and return it."""
    target = out_dir / name
    target.mkdir(parents=True)
    shutil.copyfile(repo_root / "functions" / f"{name}.py", target / "main.py")
    shutil.copytree(repo_root / "shared", target / "shared", ignore=_ignore_for_shared)
    lines = runtime_requirements(repo_root) if requirements is None else requirements
    (target / "requirements.txt").write_text("".join(f"{line}\n" for line in lines))
    return target


def bundle(out_dir: Path = DEFAULT_OUT, repo_root: Path = REPO_ROOT) -> list[Path]:
    """Rebuild `out_dir` with one folder per entry point."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    requirements = runtime_requirements(repo_root)
    return [stage(name, out_dir, repo_root, requirements) for name in entry_points(repo_root)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="staging folder (default: build/functions)")
    args = parser.parse_args(argv)
    staged = bundle(args.out.resolve())
    print(f"staged {len(staged)} functions in {args.out}: {', '.join(path.name for path in staged)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
