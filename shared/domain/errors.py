"""One flat tree of errors; each carries its HTTP status and code, and becomes the JSON error body
`{"error": {"code", "message", "field"?}}` (see docs/architecture.md)."""


class CineWeaveError(Exception):
    status = 500
    code = "internal"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidArgument(CineWeaveError):
    status, code = 400, "invalid_argument"


class Unauthenticated(CineWeaveError):
    status, code = 401, "unauthenticated"


class InsufficientCredits(CineWeaveError):
    status, code = 402, "insufficient_credits"


class Forbidden(CineWeaveError):
    status, code = 403, "forbidden"


class NotFound(CineWeaveError):
    status, code = 404, "not_found"


class MethodNotAllowed(CineWeaveError):
    status, code = 405, "method_not_allowed"


class Conflict(CineWeaveError):
    status, code = 409, "conflict"


class TooLarge(CineWeaveError):
    status, code = 413, "too_large"


class UnsupportedMediaType(CineWeaveError):
    status, code = 415, "unsupported_media_type"


class ContentPolicy(CineWeaveError):
    """Refused by content moderation; names the field and the categories, never scores or blocklist terms."""

    status, code = 422, "content_policy"

    def __init__(self, message: str, *, field: str, categories: tuple[str, ...] | list[str]):
        super().__init__(message, field=field)
        self.categories = list(categories)


class TooManyActiveJobs(CineWeaveError):
    status, code = 429, "too_many_active_jobs"


class RateLimited(CineWeaveError):
    status, code = 429, "rate_limited"

    def __init__(self, message: str, *, field: str | None = None, retry_after: int | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after


class Busy(CineWeaveError):
    """A transaction still contended after its retries; the client should retry shortly."""

    status, code = 503, "busy"

    def __init__(self, message: str = "The service is busy; please retry in a moment.", *, retry_after: int = 2):
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(CineWeaveError):
    """A dependency (GPU backend, queue) did not answer; safe to retry."""

    status, code = 503, "unavailable"

    def __init__(self, message: str, *, retry_after: int = 5):
        super().__init__(message)
        self.retry_after = retry_after
