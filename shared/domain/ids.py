"""Which strings can name a stored record. Users, jobs and payments are stored under their ids, so an id the
database cannot take (or would read as something else) names nothing: it is refused before any lookup."""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

MAX_ID_BYTES = 1500
_RESERVED_ID = re.compile(r"__.*__", re.DOTALL)


def document_id_problem(value: str) -> str | None:
    """Why Firestore could not take `value` as a document id (or would read it as something else); None if it can.

    Refused: empty, `.` and `..`, anything with `/`, `__…__` (reserved), over 1500 bytes of UTF-8, and text
    that is not valid: lone surrogates, U+FFFD (what an undecodable byte in a URL becomes) and control characters.
    """
    if not value:
        return "is empty"
    if value in (".", ".."):
        return "cannot be '.' or '..'"
    if "/" in value:
        return "cannot contain '/'"
    if _RESERVED_ID.fullmatch(value):
        return "cannot start and end with '__'"
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        return "is not valid text"
    if size > MAX_ID_BYTES:
        return f"is longer than {MAX_ID_BYTES} bytes"
    if "\ufffd" in value or any(unicodedata.category(char) == "Cc" for char in value):
        return "is not valid text"
    return None


def is_document_id(value: object) -> bool:
    """Whether `value` is a string Firestore can take as a document id (see `document_id_problem`)."""
    return isinstance(value, str) and document_id_problem(value) is None


def _stored_id(value: str) -> str:
    problem = document_id_problem(value)
    if problem:
        raise ValueError(f"the id {problem}")
    return value


# A request field that names a stored record.
StoredId = Annotated[str, AfterValidator(_stored_id)]
