"""Reading the Terraform under terraform/ with python-hcl2, for the consistency tests.

python-hcl2 keeps HCL's quotes on string literals (`"api"` comes back as '"api"') and returns expressions as
`${...}` text; `literal` turns the former into plain Python values and leaves the latter as they are. Its own
markers (`__is_block__`, `__comments__`, `__inline_comments__`) are dropped.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import hcl2

REPO_ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = REPO_ROOT / "terraform"
MODULES = TERRAFORM / "modules"
ENVIRONMENTS = ("dev", "prod")
REFERENCE = re.compile(r"^\$\{local\.([A-Za-z0-9_]+)\}$")
HCL2_MARKER = re.compile(r"^__[a-z_]+__$")


def literal(value):
    """HCL value → Python: quoted strings lose their quotes, blocks lose hcl2's markers and comments."""
    if isinstance(value, str) and len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return value[1:-1]
    if isinstance(value, list):
        return [literal(item) for item in value]
    if isinstance(value, dict):
        return {literal(key): literal(item) for key, item in value.items() if not HCL2_MARKER.match(key)}
    return value


@functools.cache
def parse(path: Path) -> dict:
    with open(path) as handle:
        return literal(hcl2.load(handle))


def tf_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.tf"))


class Module:
    """The blocks of one Terraform directory, merged across its files."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.locals: dict = {}
        self.resources: dict[str, dict[str, dict]] = {}
        self.modules: dict[str, dict] = {}
        self.variables: dict[str, dict] = {}
        self.outputs: dict[str, dict] = {}
        self.terraform: list[dict] = []
        self.data: dict[str, dict[str, dict]] = {}
        for path in tf_files(directory):
            parsed = parse(path)
            for block in parsed.get("locals", []):
                self.locals.update(block)
            for block in parsed.get("resource", []):
                for kind, named in block.items():
                    self.resources.setdefault(kind, {}).update(named)
            for block in parsed.get("data", []):
                for kind, named in block.items():
                    self.data.setdefault(kind, {}).update(named)
            for block in parsed.get("module", []):
                self.modules.update(block)
            for block in parsed.get("variable", []):
                self.variables.update(block)
            for block in parsed.get("output", []):
                self.outputs.update(block)
            self.terraform.extend(parsed.get("terraform", []))

    def resolve(self, value):
        """Follow a bare `${local.name}` reference (one level is all the configuration uses)."""
        if isinstance(value, str) and (match := REFERENCE.match(value)):
            return self.locals[match.group(1)]
        return value

    def resource(self, kind: str, name: str) -> dict:
        return self.resources[kind][name]

    def text(self) -> str:
        return "\n".join(path.read_text() for path in tf_files(self.directory))


@functools.cache
def module(name: str) -> Module:
    return Module(MODULES / name)


@functools.cache
def environment(name: str) -> Module:
    return Module(TERRAFORM / "environments" / name)


def all_tf_files() -> list[Path]:
    return sorted(TERRAFORM.rglob("*.tf"))
