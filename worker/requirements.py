"""`python -m worker.requirements --write`: write worker/requirements.txt, the GPU image's packages, from
pyproject.toml, which holds the only pins; `--check` fails when the file is stale; with neither, print it.

The file is torch first (worker/Dockerfile installs that line from the CUDA wheel index), then the `worker`
extra, then the project dependencies the worker imports itself. Standard library only: it runs before any
install.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET = REPO_ROOT / "worker" / "requirements.txt"
REGENERATE = "python -m worker.requirements --write"
CUDA_PACKAGE = "torch"
# Of [project].dependencies, what the worker imports (the rest serves the Cloud Functions).
FROM_RUNTIME = ("boto3", "requests", "pydantic")


def _name(spec: str) -> str:
    return re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0].lower()


def requirements_text(pyproject: Path = REPO_ROOT / "pyproject.toml") -> str:
    with open(pyproject, "rb") as handle:
        project = tomllib.load(handle)["project"]
    extra = project["optional-dependencies"]["worker"]
    runtime = {_name(spec): spec for spec in project["dependencies"]}
    missing = [name for name in FROM_RUNTIME if name not in runtime]
    if missing:
        raise SystemExit(f"pyproject.toml [project].dependencies has no {', '.join(missing)}")
    torch = [spec for spec in extra if _name(spec) == CUDA_PACKAGE]
    lines = [
        f"# Generated from pyproject.toml by `{REGENERATE}`; edit the pins there.",
        f"# The GPU image's packages; worker/Dockerfile installs {CUDA_PACKAGE} first, from the CUDA wheel index.",
        *torch,
        "# pyproject.toml's `worker` extra",
        *(spec for spec in extra if _name(spec) != CUDA_PACKAGE),
        "# From [project].dependencies: what the worker imports itself",
        *(runtime[name] for name in FROM_RUNTIME),
    ]
    return "\n".join(lines) + "\n"


# The same command as shared/api_docs' for its document, written out: the worker image carries only the
# contract of shared/ (tests/worker/test_image.py), so no worker module imports anything else from it.
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worker.requirements", description=__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write worker/requirements.txt")
    group.add_argument("--check", action="store_true", help="exit 1 when worker/requirements.txt is stale")
    args = parser.parse_args(argv)
    text = requirements_text()
    if args.write:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
    elif args.check:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is not generated from pyproject.toml; run: {REGENERATE}", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
