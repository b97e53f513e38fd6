"""Which installed distributions a list of requirements pulls in: how the packaging tests check that what a
deployable imports is what it installs."""

import importlib.metadata
import re


def requirement_name(spec: str) -> str:
    """`google-cloud-firestore==2.19.0` → `google-cloud-firestore` (normalised as pip compares names)."""
    return re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0].lower().replace("_", "-")


def installed_closure(requirements: list[str]) -> set[str]:
    """The requirements and everything they require in turn, as installed here (extras-only ones left out)."""
    seen: set[str] = set()
    todo = [requirement_name(spec) for spec in requirements]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo.extend(requirement_name(spec) for spec in requires if "extra ==" not in spec)
    return seen
