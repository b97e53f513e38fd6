"""Image uploads for image-to-video: a presigned PUT pinned to one content type and size."""

from __future__ import annotations

import datetime as dt
import uuid

from shared.domain import errors, responses
from shared.domain.clock import utcnow
from shared.domain.contract import UPLOAD_MAX_BYTES, UPLOAD_TYPES
from shared.domain.objects import upload_key
from shared.domain.requests import UploadRequest
from shared.services.ports import ObjectStorage

UPLOAD_URL_TTL_SEC = 15 * 60


class UploadService:
    def __init__(self, objects: ObjectStorage):
        self.objects = objects

    def create(self, uid: str, request: UploadRequest) -> responses.UploadTarget:
        content_type = request.contentType.split(";")[0].strip().lower()
        if content_type not in UPLOAD_TYPES:
            raise errors.UnsupportedMediaType("Images must be PNG, JPEG or WebP.", field="contentType")
        if request.sizeBytes > UPLOAD_MAX_BYTES:
            raise errors.TooLarge(f"Images can be at most {UPLOAD_MAX_BYTES // (1024 * 1024)} MB.", field="sizeBytes")
        key = upload_key(uid, uuid.uuid4().hex, UPLOAD_TYPES[content_type])
        url = self.objects.upload_url(key, content_type, request.sizeBytes, UPLOAD_URL_TTL_SEC)
        expires = utcnow() + dt.timedelta(seconds=UPLOAD_URL_TTL_SEC)
        return responses.UploadTarget(imageKey=key, uploadUrl=url, expiresAt=expires.isoformat())
