"""Stand-ins for Google Cloud Natural Language and Cloud Vision on the local stack, on their REST wire format:
`POST /v2/documents:moderateText` (and `/v1/`) and `POST /v1/images:annotate` with `SAFE_SEARCH_DETECTION`.
The real client libraries talk to them (shared/adapters/google_moderation.py). Their rules:

- Text: every moderation category is scored 0.01, except each category named in the text as
  `[[flag:<Category>]]` (for example `[[flag:Violent]]` or `[[flag:Illicit Drugs]]`), which scores 0.99.
- Images: each SafeSearch field (adult, spoof, medical, violence, racy) is VERY_UNLIKELY, except each one
  named in the image's bytes as `[[flag:<field>]]` (for example `[[flag:adult]]`, appended to a PNG or put in
  one of its text chunks), which is VERY_LIKELY. Bytes that are not a PNG, JPEG, WebP or GIF image answer
  the per-image error "Bad image data" (INVALID_ARGUMENT), as Vision does.

`GET /local/calls` answers how many requests each method has served (and how many images came by URL);
`GET /local/health` answers ok.

    python -m shared.local.moderation_standins --api language --port 8095
"""

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import json
import re
import threading

import requests
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

TEXT_CATEGORIES = (
    "Toxic",
    "Insult",
    "Profanity",
    "Derogatory",
    "Sexual",
    "Death, Harm & Tragedy",
    "Violent",
    "Firearms & Weapons",
    "Public Safety",
    "Health",
    "Religion & Belief",
    "Illicit Drugs",
    "War & Conflict",
    "Politics",
    "Finance",
    "Legal",
)
FLAGGED, UNFLAGGED = 0.99, 0.01
SAFE_SEARCH_FIELDS = ("adult", "spoof", "medical", "violence", "racy")
LIKELIHOOD_VALUES = {"VERY_UNLIKELY": 1, "VERY_LIKELY": 5}
SAFE_SEARCH_FEATURE = ("SAFE_SEARCH_DETECTION", 6)
FLAG = re.compile(r"\[\[flag:([^\]]+)\]\]")
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def _google_error(status: int, code: str, message: str) -> Response:
    body = {"error": {"code": status, "message": message, "status": code}}
    return Response(json.dumps(body), status=status, content_type="application/json")


def _json(body: dict) -> Response:
    return Response(json.dumps(body), content_type="application/json")


def _ints_for_enums(request: Request) -> bool:
    # The client libraries ask with `$alt=json;enum-encoding=int`; enums then go as numbers both ways.
    return "enum-encoding=int" in request.args.get("$alt", "")


def text_scores(text: str) -> dict[str, float]:
    flagged = {name.strip() for name in FLAG.findall(text)}
    return {name: FLAGGED if name in flagged else UNFLAGGED for name in TEXT_CATEGORIES}


def safe_search(image: bytes) -> dict[str, str]:
    # Latin-1 maps each byte to one character, so the text marker is found in any image's bytes.
    flagged = {name.strip().lower() for name in FLAG.findall(image.decode("latin-1"))}
    return {name: "VERY_LIKELY" if name in flagged else "VERY_UNLIKELY" for name in SAFE_SEARCH_FIELDS}


def is_image(data: bytes) -> bool:
    return data.startswith(IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


class StandIn:
    """One API's stand-in as a WSGI app, counting the calls it serves."""

    def __init__(self, api: str):
        if api not in ("language", "vision"):
            raise ValueError(f"unknown API {api!r}")
        self.api = api
        self.calls: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        return self.answer(Request(environ))(environ, start_response)

    def answer(self, request: Request) -> Response:
        path = request.path
        if request.method == "GET" and path == "/local/health":
            return _json({"ok": True, "api": self.api})
        if request.method == "GET" and path == "/local/calls":
            with self._lock:
                return _json(dict(self.calls))
        if request.method != "POST":
            return _google_error(404, "NOT_FOUND", f"No such method: {request.method} {path}")
        try:
            body = json.loads(request.get_data() or b"{}")
        except ValueError:
            return _google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        if not isinstance(body, dict):
            return _google_error(400, "INVALID_ARGUMENT", "The request body must be a JSON object.")
        if self.api == "language" and path in ("/v1/documents:moderateText", "/v2/documents:moderateText"):
            return self._count("moderateText", self._moderate_text(body))
        if self.api == "vision" and path == "/v1/images:annotate":
            return self._count("annotate", self._annotate(body, _ints_for_enums(request)))
        return _google_error(404, "NOT_FOUND", f"No such method: POST {path}")

    def _count(self, method: str, response: Response) -> Response:
        with self._lock:
            self.calls[method] += 1
        return response

    def _moderate_text(self, body: dict) -> Response:
        document = body.get("document")
        content = document.get("content") if isinstance(document, dict) else None
        if not isinstance(content, str) or not content:
            return _google_error(400, "INVALID_ARGUMENT", "The document is empty.")
        categories = [{"name": name, "confidence": score} for name, score in text_scores(content).items()]
        return _json({"moderationCategories": categories, "languageCode": "en", "languageSupported": True})

    def _annotate(self, body: dict, ints: bool) -> Response:
        items = body.get("requests")
        if not isinstance(items, list) or not items or len(items) > 16:
            return _google_error(400, "INVALID_ARGUMENT", "requests must hold 1 to 16 image requests.")
        return _json({"responses": [self._annotate_one(item, ints) for item in items]})

    def _annotate_one(self, item: object, ints: bool) -> dict:
        if not isinstance(item, dict):
            return {"error": {"code": 3, "message": "Bad request."}}
        features = item.get("features") or []
        wanted = any(isinstance(f, dict) and f.get("type") in SAFE_SEARCH_FEATURE for f in features)
        image = self._image_bytes(item.get("image"))
        if isinstance(image, str):
            return {"error": {"code": 3, "message": image}}
        if not is_image(image):
            return {"error": {"code": 3, "message": "Bad image data."}}
        if not wanted:
            return {}
        likelihoods = safe_search(image)
        if ints:
            return {"safeSearchAnnotation": {name: LIKELIHOOD_VALUES[value] for name, value in likelihoods.items()}}
        return {"safeSearchAnnotation": likelihoods}

    def _image_bytes(self, image: object) -> bytes | str:
        """The image's bytes, or what is wrong with the request."""
        if not isinstance(image, dict):
            return "No image was given."
        if image.get("content"):
            try:
                return base64.b64decode(image["content"], validate=True)
            except (binascii.Error, TypeError):
                return "image.content is not base64."
        source = image.get("source")
        url = source.get("imageUri") if isinstance(source, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return "No image content or imageUri was given."
        with self._lock:
            self.calls["imageUri"] += 1
        try:
            fetched = requests.get(url, timeout=10)
        except requests.RequestException:
            return "We can not access the URL currently."
        return fetched.content if fetched.ok else "We can not access the URL currently."


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # a line per request would drown a test's output
        pass


def serve(api: str, host: str, port: int):
    """A started server (in a daemon thread) for tests; `.shutdown()` stops it."""
    server = make_server(host, port, StandIn(api), threaded=True, request_handler=_QuietHandler)
    threading.Thread(target=server.serve_forever, name=f"{api}-standin", daemon=True).start()
    return server


def main() -> None:
    from shared.local.processes import serve_until_stopped

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", choices=("language", "vision"), required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = make_server(args.host, args.port, StandIn(args.api), threaded=True)
    print(f"{args.api} stand-in on http://{args.host}:{args.port}", flush=True)
    serve_until_stopped(server, lambda: None)


if __name__ == "__main__":
    main()
