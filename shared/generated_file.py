"""The command of a file generated from the repository's sources: `--write` writes it, `--check` exits 1 when the
committed copy is stale, and with neither the text is printed. Standard library only: it runs before installs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


def main(
    argv: Sequence[str] | None,
    *,
    prog: str,
    description: str | None,
    target: Path,
    text: Callable[[], str],
    stale: str,
) -> int:
    """`stale` says what the copy is not, in the line that ends with how to regenerate it."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help=f"write {target.name}")
    group.add_argument("--check", action="store_true", help="exit 1 when the committed copy differs")
    args = parser.parse_args(argv)
    generated = text()
    if args.write:
        target.write_text(generated, encoding="utf-8")
        print(f"wrote {target}")
    elif args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != generated:
            print(f"{target} is {stale}; run: {prog} --write", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(generated)
    return 0
