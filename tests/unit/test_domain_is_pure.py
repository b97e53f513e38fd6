"""shared/domain holds the rules alone: it imports nothing of the cloud SDKs, the HTTP stack or the storage
clients, and nothing of shared/ outside itself."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

DOMAIN = pathlib.Path(__file__).resolve().parents[2] / "shared" / "domain"
INFRASTRUCTURE = ("google", "boto3", "botocore", "requests", "flask", "werkzeug", "firebase_admin",
                  "functions_framework", "grpc", "jwt", "tenacity", "truelayer_signing")  # fmt: skip


def imported_names(path: pathlib.Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_modules_import_only_the_standard_library_pydantic_and_each_other():
    modules = sorted(DOMAIN.glob("*.py"))
    assert len(modules) >= 10
    for module in modules:
        for name in imported_names(module):
            top = name.split(".")[0]
            assert top not in INFRASTRUCTURE, f"{module.name} imports {name}"
            if top == "shared":
                assert name.startswith("shared.domain"), f"{module.name} imports {name} from outside the domain"
            else:
                assert top in sys.stdlib_module_names or top == "pydantic" or top == "__future__", (module.name, name)


def test_importing_the_whole_domain_loads_no_infrastructure():
    modules = ", ".join(f"shared.domain.{path.stem}" for path in sorted(DOMAIN.glob("*.py")) if path.stem != "__init__")
    # `google` and `google.cloud` are namespace packages that google-cloud's .pth files load at start-up.
    probe = (
        f"import sys, {modules}\n"
        f"print(' '.join(m for m in sys.modules if m.split('.')[0] in {INFRASTRUCTURE!r}"
        " and m not in ('google', 'google.cloud')))"
    )
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert found == "", found
