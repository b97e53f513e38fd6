"""Content safety on create: a request is screened after validation and before any credit is reserved.

1. A user refused more than `moderation_max_refusals_per_hour` times this clock hour is turned away (429).
2. The operator's blocklist, over the prompt and the negative prompt (offline, cheap).
3. Natural Language moderation of the prompt. The negative prompt names what to keep out of the clip
   ("no blood"), so a classifier would refuse exactly the careful requests; only the blocklist reads it.
4. SafeSearch of the start image, once per uploaded object: the verdict is kept with the upload.

A refusal is kept in `moderationEvents` (the prompt only as a keyed hash) and answered 422 `content_policy`.
When a moderation API fails, `moderation_fail_open` decides: refuse with 503 (the default) or let the job
through with the unchecked fields noted on it.
"""

from __future__ import annotations

import hashlib
import hmac
import pathlib
from collections.abc import Callable

from shared.config import Settings
from shared.domain import errors
from shared.domain.clock import utcnow
from shared.domain.contract import UPLOAD_MAX_BYTES
from shared.domain.moderation import (
    BLOCKLIST_CATEGORY,
    Blocklist,
    Check,
    ImageVerdict,
    ModeratedField,
    Refusal,
    parse_terms,
    refused_text_categories,
    seconds_left_in_window,
    window_start,
)
from shared.domain.requests import CreateJobRequest
from shared.log import fields, get_logger
from shared.services.ports import (
    ImageModerator,
    ModerationRecords,
    ModerationUnavailable,
    ObjectStorage,
    StoredObject,
    TextModerator,
)

log = get_logger("moderation")

IMAGE_URL_TTL_SEC = 5 * 60
UNAVAILABLE_RETRY_AFTER_SEC = 10
REFUSED = {
    "prompt": "This prompt goes against the content policy, so nothing was charged.",
    "negativePrompt": "This negative prompt goes against the content policy, so nothing was charged.",
    "imageKey": "This start image goes against the content policy, so nothing was charged.",
}


def operator_blocklist(settings: Settings) -> Blocklist:
    terms = list(settings.moderation_blocklist_terms)
    if settings.moderation_blocklist_file:
        path = pathlib.Path(settings.moderation_blocklist_file)
        try:
            terms += parse_terms(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise RuntimeError(f"MODERATION_BLOCKLIST_FILE {path} cannot be read: {exc}") from exc
    return Blocklist(terms)


class ModerationService:
    def __init__(
        self,
        records: ModerationRecords,
        settings: Settings,
        objects: ObjectStorage,
        text: Callable[[], TextModerator],
        image: Callable[[], ImageModerator],
    ):
        # The moderators come as factories: their clients are built on first use, so a text-only create
        # never loads the Vision library.
        self.records, self.settings, self.objects = records, settings, objects
        self._text, self._image = text, image
        self.blocklist = operator_blocklist(settings)

    def screen(
        self,
        uid: str,
        email: str | None,
        request: CreateJobRequest,
        refusal_id: str,
        image: StoredObject | None,
    ) -> list[str]:
        """Refuse the request (raising) or answer the fields that could not be checked (fail-open only).
        `image` is the start image as stored, which the create has looked up already; no default, so that
        no caller can leave an image unchecked by leaving it out."""
        now = utcnow()
        if self.records.refusals_since(uid, window_start(now)) > self.settings.moderation_max_refusals_per_hour:
            raise errors.RateLimited(
                "Too many of your requests were refused by the content policy this hour; try again later.",
                retry_after=seconds_left_in_window(now),
            )
        refuse = _Refuser(self, uid, email, request, refusal_id)
        unchecked: list[str] = []
        texts: tuple[tuple[ModeratedField, str | None], ...] = (
            ("prompt", request.prompt),
            ("negativePrompt", request.negativePrompt),
        )
        for field, text in texts:
            if self.blocklist.matches(text):
                refuse("blocklist", field, [BLOCKLIST_CATEGORY])
        try:
            scores = self._text().moderate(request.prompt)
        except ModerationUnavailable as exc:
            unchecked.append(self._cannot_check("prompt", exc))
        else:
            categories = refused_text_categories(scores, self.settings.moderation_text_thresholds)
            if categories:
                refuse("text", "prompt", categories)
        if image is not None:
            try:
                verdict = self._image_verdict(image)
            except ModerationUnavailable as exc:
                unchecked.append(self._cannot_check("imageKey", exc))
            else:
                categories = verdict.refused_categories(self.settings.moderation_image_likelihood)
                if categories:
                    refuse("image", "imageKey", categories)
        return unchecked

    def _image_verdict(self, stored: StoredObject) -> ImageVerdict:
        image_key = stored.key
        kept = self.records.image_verdict(image_key)
        if kept is not None and kept.etag == stored.etag:
            return kept
        image = self.objects.read(image_key, UPLOAD_MAX_BYTES)
        likelihoods = self._image().safe_search(image, lambda: self.objects.download_url(image_key, IMAGE_URL_TTL_SEC))
        verdict = ImageVerdict(image_key=image_key, etag=stored.etag, likelihoods=likelihoods, checked_at=utcnow())
        self.records.save_image_verdict(verdict)
        return verdict

    def _cannot_check(self, field: str, exc: ModerationUnavailable) -> str:
        log.warning("content could not be checked", extra=fields(field=field, error=str(exc)))
        if not self.settings.moderation_fail_open:
            raise errors.Unavailable(
                "Content checks are unavailable right now, so nothing was charged; please retry shortly.",
                retry_after=UNAVAILABLE_RETRY_AFTER_SEC,
            )
        return field

    def prompt_hash(self, prompt: str) -> str:
        return hmac.new(self.settings.moderation_audit_salt.encode(), prompt.encode(), hashlib.sha256).hexdigest()


class _Refuser:
    """Keeps a refusal in the audit trail, then raises its 422."""

    def __init__(self, service: ModerationService, uid: str, email: str | None, request: CreateJobRequest, id: str):
        self.service, self.uid, self.email, self.request, self.id = service, uid, email, request, id

    def __call__(self, check: Check, field: ModeratedField, categories: list[str]) -> None:
        now = utcnow()
        refusal = Refusal(
            id=self.id,
            uid=self.uid,
            email=self.email,
            at=now,
            field=field,
            categories=tuple(categories),
            check=check,
            prompt_hash=self.service.prompt_hash(self.request.prompt),
            image_key=self.request.imageKey if field == "imageKey" else None,
        )
        count = self.service.records.record_refusal(refusal, window_start(now))
        log.info("request refused", extra=fields(uid=self.uid, check=check, field=field, refusalsThisHour=count))
        raise errors.ContentPolicy(REFUSED[field], field=field, categories=categories)
