"""`python -m shared.api_docs --write`: write the web app's copy of the OpenAPI document
(frontend/src/api/openapi.json, read by openapi-typescript); `--check` fails when the copy is stale;
with neither, print the document."""

import sys
from pathlib import Path

from shared import generated_file
from shared.api_docs import document_json

COPY = Path(__file__).resolve().parents[2] / "frontend" / "src" / "api" / "openapi.json"
REGENERATE = "python -m shared.api_docs --write"


def main(argv: list[str] | None = None) -> int:
    return generated_file.main(
        argv,
        prog="python -m shared.api_docs",
        description=__doc__,
        target=COPY,
        text=document_json,
        stale="not the generated document",
    )


if __name__ == "__main__":
    sys.exit(main())
