"""`python -m shared.api_docs --write`: write the web app's copy of the OpenAPI document
(frontend/src/api/openapi.json, read by openapi-typescript); `--check` fails when the copy is stale;
with neither, print the document."""

import argparse
import sys
from pathlib import Path

from shared.api_docs import document_json

COPY = Path(__file__).resolve().parents[2] / "frontend" / "src" / "api" / "openapi.json"
REGENERATE = "python -m shared.api_docs --write"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.api_docs", description=__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help=f"write {COPY.relative_to(COPY.parents[3])}")
    group.add_argument("--check", action="store_true", help="exit 1 when the committed copy differs")
    args = parser.parse_args(argv)
    text = document_json()
    if args.write:
        COPY.write_text(text, encoding="utf-8")
        print(f"wrote {COPY}")
    elif args.check:
        if not COPY.is_file() or COPY.read_text(encoding="utf-8") != text:
            print(f"{COPY} is not the generated document; run: {REGENERATE}", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
