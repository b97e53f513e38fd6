"""Google Cloud Natural Language `moderateText` and Cloud Vision SafeSearch, through their client libraries.

Both use the REST transport. In production the endpoints are Google's and the credentials the function's
service account; locally `LANGUAGE_API_ENDPOINT` / `VISION_API_ENDPOINT` name the stand-ins
(shared/local/moderation_standins.py) and the credentials are anonymous. Each call has a short timeout and
is tried at most twice; what still fails is `ModerationUnavailable`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
import tenacity
from google.api_core import exceptions as gexc
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials

from shared.domain import errors
from shared.services.ports import ModerationUnavailable

ATTEMPTS = 2  # one retry
# Vision takes at most 10 MB of JSON; base64 makes an image a third bigger. Bigger images go by URL.
INLINE_MAX_BYTES = 7 * 1024 * 1024
RETRYABLE = (
    requests.RequestException,  # connection refused or reset, read timeout
    gexc.ServiceUnavailable,
    gexc.DeadlineExceeded,
    gexc.InternalServerError,
    gexc.TooManyRequests,
    gexc.BadGateway,
    gexc.GatewayTimeout,
)
_GRPC_INVALID_ARGUMENT = 3


def _client_args(endpoint: str | None) -> dict[str, Any]:
    if not endpoint:
        return {"transport": "rest"}
    return {
        "transport": "rest",
        "client_options": ClientOptions(api_endpoint=endpoint),
        "credentials": AnonymousCredentials(),
    }


def _call(function: Callable[[], Any], api: str) -> Any:
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(ATTEMPTS),
        wait=tenacity.wait_fixed(0.2),
        retry=tenacity.retry_if_exception_type(RETRYABLE),
        reraise=True,
    )
    try:
        return retrying(function)
    except (*RETRYABLE, gexc.GoogleAPIError) as exc:
        raise ModerationUnavailable(f"{api}: {type(exc).__name__}: {exc}") from exc


class NaturalLanguageModerator:
    def __init__(self, endpoint: str | None, timeout_sec: float):
        from google.cloud import language_v2

        self._language = language_v2
        self._client = language_v2.LanguageServiceClient(**_client_args(endpoint))
        self.timeout_sec = timeout_sec

    def moderate(self, text: str) -> dict[str, float]:
        document = self._language.Document(content=text, type_=self._language.Document.Type.PLAIN_TEXT)
        answer = _call(
            lambda: self._client.moderate_text(document=document, timeout=self.timeout_sec, retry=None),
            "Natural Language moderateText",
        )
        return {category.name: float(category.confidence) for category in answer.moderation_categories}


class VisionSafeSearch:
    def __init__(self, endpoint: str | None, timeout_sec: float, inline_max_bytes: int = INLINE_MAX_BYTES):
        from google.cloud import vision_v1

        self._vision = vision_v1
        self._client = vision_v1.ImageAnnotatorClient(**_client_args(endpoint))
        self.timeout_sec, self.inline_max_bytes = timeout_sec, inline_max_bytes

    def safe_search(self, image: bytes, image_url: Callable[[], str]) -> dict[str, str]:
        vision = self._vision
        if len(image) <= self.inline_max_bytes:
            source = vision.Image(content=image)
        else:
            source = vision.Image(source=vision.ImageSource(image_uri=image_url()))
        request = vision.AnnotateImageRequest(
            image=source, features=[vision.Feature(type_=vision.Feature.Type.SAFE_SEARCH_DETECTION)]
        )
        batch = _call(
            lambda: self._client.batch_annotate_images(requests=[request], timeout=self.timeout_sec, retry=None),
            "Vision images:annotate",
        )
        answer = batch.responses[0]
        if answer.error.code == _GRPC_INVALID_ARGUMENT:
            raise errors.InvalidArgument("The uploaded image could not be read as an image.", field="imageKey")
        if answer.error.code:
            raise ModerationUnavailable(f"Vision images:annotate: {answer.error.code} {answer.error.message}")
        annotation = answer.safe_search_annotation
        fields = ("adult", "spoof", "medical", "violence", "racy")
        return {name: vision.Likelihood(getattr(annotation, name)).name for name in fields}
