"""What every entry point shares: sub-path routing, JSON bodies, and every answer as JSON, failures included.

A failure is answered with the status its error carries (shared/domain/errors.py), `Content-Type: application/json`
and the body `{"error": {"code": "<snake_case>", "message": "<for people>", "field": "<the input at fault>"}}`,
`field` only when one input is to blame. Nothing raised under an `Endpoint` reaches Flask's or werkzeug's HTML
error pages: path parameters that cannot be Firestore document ids are a 404 before the view runs, unreadable
JSON bodies are a 400, werkzeug's own refusals keep their 4xx status, and anything else is a logged 500.
"""

import re
from collections.abc import Callable
from typing import TypeVar

import flask
import pydantic
from werkzeug.exceptions import HTTPException as _HTTPException
from werkzeug.exceptions import MethodNotAllowed as _MethodNotAllowed
from werkzeug.exceptions import NotFound as _NotFound
from werkzeug.routing import Map, Rule

from shared.domain import errors, responses
from shared.domain.ids import is_document_id
from shared.json_input import json_body
from shared.log import bind, fields, get_logger, request_scope
from shared.log_events import LogEvent
from shared.routes import ROUTES

log = get_logger("http")


INTERNAL = errors.CineWeaveError("Something went wrong on our side; it has been logged.")


def json_response(body: pydantic.BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> flask.Response:
    """A JSON answer from a response model, written with the fields it was given (see shared.domain.responses)."""
    response = flask.make_response(flask.json.dumps(body.model_dump(mode="json", exclude_unset=True)), status)
    response.headers["Content-Type"] = "application/json"
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(error: errors.CineWeaveError) -> flask.Response:
    headers = {}
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    detail = responses.ErrorDetail(code=error.code, message=error.message)
    if error.field:
        detail.field = error.field
    if isinstance(error, errors.ContentPolicy):
        detail.categories = error.categories
    return json_response(responses.ErrorBody(error=detail), error.status, headers)


ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


def request_body(request: flask.Request, model: type[ModelT]) -> ModelT:
    """The body, read as JSON (`shared.json_input`) and validated into `model`: how every view gets its input."""
    return parse(model, json_body(request))


def parse(model: type[ModelT], data: dict) -> ModelT:
    """Validate into a model; the first problem becomes a 400 naming its field."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message = first["msg"].removeprefix("Value error, ")
        # The rules' own sentences name their field already ("prompt is longer than 2000 characters.").
        if field and not message.startswith(field):
            message = f"{field}: {message}"
        raise errors.InvalidArgument(message, field=field) from None


def query_int(request: flask.Request, name: str, default: int, *, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise errors.InvalidArgument(f"{name} must be a whole number.", field=name) from None
    if not low <= value <= high:
        raise errors.InvalidArgument(f"{name} must be between {low} and {high}.", field=name)
    return value


class Endpoint:
    """One function's routes: matches the sub-path, calls the view, maps every failure to a JSON answer."""

    def __init__(self, name: str, webhook_source: str | None = None):
        """`webhook_source` names the sender of an incoming webhook this function takes: a refusal of the
        caller (401, 403) is then logged as a rejected webhook, the line the rejection metric counts."""
        self.name = name
        self.webhook_source = webhook_source
        # No slash merging: werkzeug would answer `/api/jobs/..//cancel` with a redirect to `/api/jobs/../cancel`.
        self._rules = Map(merge_slashes=False)
        self._views: dict[str, Callable] = {}
        _answer_flask_errors_as_json()

    def route(self, rule: str, methods: tuple[str, ...] = ("GET",)):
        if not any(r.function == self.name and r.rule == rule and set(methods) <= set(r.methods) for r in ROUTES):
            raise ValueError(f"{self.name}: {methods} {rule} is not in shared/routes.py")

        def register(view: Callable) -> Callable:
            key = f"{view.__name__}:{rule}"
            self._rules.add(Rule(rule, methods=list(methods), endpoint=key))
            self._views[key] = view
            return view

        return register

    def __call__(self, request: flask.Request) -> flask.Response:
        with request_scope(request.headers):  # every line logged while serving carries the request's trace
            return self._answer(request)

    def _answer(self, request: flask.Request) -> flask.Response:
        try:
            key, args = self._rules.bind_to_environ(request.environ).match()
            for name, value in args.items():
                if not is_document_id(value):  # Firestore would refuse it: nothing can have that id
                    raise errors.NotFound(f"No such {_PARAM_NOUNS.get(name, name)}.")
            bind(**{_PARAM_IDS[name]: value for name, value in args.items() if name in _PARAM_IDS})
            response = self._views[key](request, **args)
            if response.status_code >= 500:  # a 5xx the view answered itself (health's 503, say)
                _log_answered_error(response, self.name, request.path)
            return response
        except _NotFound:
            return error_response(errors.NotFound(f"No such API path: {request.path}"))
        except _MethodNotAllowed:
            return error_response(errors.MethodNotAllowed(f"{request.method} is not allowed on {request.path}."))
        except errors.CineWeaveError as error:
            if error.status >= 500:
                return _server_error(error, error.message, self.name, request.path)
            if self.webhook_source and error.status in (401, 403):
                rejected = fields(event=LogEvent.WEBHOOK_REJECTED, source=self.webhook_source, code=error.code)
                log.warning(error.message, extra=rejected)
            return error_response(error)
        except _HTTPException as exc:  # werkzeug's refusals (a redirect, unreadable form data...) without its HTML
            refusal = _from_werkzeug(exc, request)
            if refusal.status >= 500:
                return _server_error(refusal, refusal.message, self.name, request.path)
            return error_response(refusal)
        except RecursionError:  # input nested deeper than Python follows, read by code other than json_value
            log.warning("input nested too deeply", exc_info=True, extra=fields(function=self.name, path=request.path))
            return error_response(errors.InvalidArgument("The request is nested too deeply to read."))
        except Exception:
            return _server_error(INTERNAL, "unhandled error", self.name, request.path, crashed=True)


def _server_error(
    error: errors.CineWeaveError, message: str, function: str, path: str, crashed: bool = False
) -> flask.Response:
    """The answer to a failure on our side, logged once with the event the 5xx metric counts."""
    context = fields(event=LogEvent.SERVER_ERROR, status=error.status, code=error.code, function=function, path=path)
    if crashed:
        log.exception(message, extra=context)
    else:
        log.warning(message, extra=context)
    return error_response(error)


def _log_answered_error(response: flask.Response, function: str, path: str) -> None:
    body = response.get_json(silent=True)
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    log.warning(
        "answered %s",
        response.status_code,
        extra=fields(event=LogEvent.SERVER_ERROR, status=response.status_code, code=code, function=function, path=path),
    )


_PARAM_NOUNS = {"job_id": "video", "payment_id": "payment", "uid": "user"}
_PARAM_IDS = {"job_id": "jobId", "payment_id": "paymentId"}  # bound onto the request's lines (shared.log)
_WERKZEUG_ERRORS: dict[int, type[errors.CineWeaveError]] = {
    400: errors.InvalidArgument,
    401: errors.Unauthenticated,
    403: errors.Forbidden,
    404: errors.NotFound,
    405: errors.MethodNotAllowed,
    409: errors.Conflict,
    413: errors.TooLarge,
    415: errors.UnsupportedMediaType,
    429: errors.RateLimited,
}


def _answer_flask_errors_as_json() -> None:
    """Flask answers what never reaches the function with an HTML page: functions-framework's catch-all rule
    matches no path with a newline in it (`/api/jobs/%0A`), and a crash outside the function is text/html.
    functions-framework imports the function's module inside the new app's context, so the Endpoint made
    there registers JSON answers on that app; made anywhere else, there is no app to register on."""
    if not flask.has_app_context():
        return
    app = flask.current_app
    app.register_error_handler(_HTTPException, _flask_refusal)
    app.register_error_handler(500, _flask_crash)


def _flask_refusal(exc: _HTTPException) -> flask.Response:
    if (exc.code or 500) >= 500:
        return _flask_crash(exc)
    return error_response(_from_werkzeug(exc, flask.request))


def _flask_crash(exc: Exception) -> flask.Response:
    # Flask has logged the exception. The header is the one functions-framework's own crash answer carries.
    with request_scope(flask.request.headers):
        log.error(
            "crash outside the function",
            extra=fields(event=LogEvent.SERVER_ERROR, status=500, code=INTERNAL.code, path=flask.request.path),
        )
    response = error_response(INTERNAL)
    response.headers["X-Google-Status"] = "crash"
    return response


def _from_werkzeug(exc: _HTTPException, request: flask.Request) -> errors.CineWeaveError:
    """The domain error for a werkzeug HTTPException: its 4xx status is kept, a redirect is a 404, 5xx a 500."""
    status = exc.code or 500
    if status < 400 or status == 404:
        return errors.NotFound(f"No such API path: {request.path}")
    if status >= 500:
        return errors.CineWeaveError("Something went wrong on our side; it has been logged.")
    message = exc.description or exc.name
    if status in _WERKZEUG_ERRORS:
        return _WERKZEUG_ERRORS[status](message)
    error = errors.CineWeaveError(message)
    error.status = status
    error.code = re.sub(r"[^a-z0-9]+", "_", exc.name.lower()).strip("_") or "bad_request"
    return error
