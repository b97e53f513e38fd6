"""Reading a request body as JSON: one step that refuses, with a 400, whatever cannot be read safely."""

import json
import math

import flask

from shared.domain import errors

MAX_JSON_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32  # objects and arrays inside each other; no request needs more than a few
MAX_JSON_INT = 2**53 - 1  # the integers JSON readers agree on (I-JSON, RFC 7493); Firestore's own limit is 2**63 - 1


def json_body(request: flask.Request) -> dict:
    """The body as a JSON object; see `json_value` for what is refused."""
    body = json_value(request)
    if not isinstance(body, dict):
        raise errors.InvalidArgument("The request body must be a JSON object.")
    return body


def json_value(request: flask.Request) -> object:
    """The body as JSON, or a 400: UTF-8 text (a leading byte-order mark is ignored) of at most MAX_JSON_BYTES,
    nested at most MAX_JSON_DEPTH deep, finite numbers, integers within ±MAX_JSON_INT, and no lone surrogates.
    An empty body is None. The Content-Type is not looked at."""
    if request.content_length and request.content_length > MAX_JSON_BYTES:
        raise errors.TooLarge(f"The request body is larger than {MAX_JSON_BYTES} bytes.")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        raise errors.TooLarge(f"The request body is larger than {MAX_JSON_BYTES} bytes.")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise errors.InvalidArgument("The request body is not UTF-8 text.") from None
    if not text.strip():
        return None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise errors.InvalidArgument(f"The request body is nested deeper than {MAX_JSON_DEPTH} levels.") from None
    except ValueError:  # JSONDecodeError, NaN/Infinity, integers of more digits than Python reads
        raise errors.InvalidArgument("The request body is not valid JSON.") from None
    _check_json(value)
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _check_json(value: object) -> None:
    """Walks the parsed body without recursion: depth, numbers and text Firestore and the views can take."""
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise errors.InvalidArgument(f"The request body is nested deeper than {MAX_JSON_DEPTH} levels.")
            if isinstance(item, dict):
                for key in item:
                    _check_text(key)
                pending.extend((inner, depth + 1) for inner in item.values())
            else:
                pending.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, str):
            _check_text(item)
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int) and abs(item) > MAX_JSON_INT:
            raise errors.InvalidArgument(f"The request body holds a whole number beyond ±{MAX_JSON_INT}.")
        elif isinstance(item, float) and not math.isfinite(item):
            raise errors.InvalidArgument("The request body holds a number too large to represent.")


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a \ud800-style escape with no partner
        raise errors.InvalidArgument("The request body holds text that is not valid Unicode.") from None
