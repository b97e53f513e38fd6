"""Image uploads for image-to-video: a presigned PUT pinned to one content type and size."""

import datetime as dt
import uuid

from shared import errors
from shared.models import IMAGE_TYPES, UploadRequest, utcnow
from shared.storage import ObjectStore, upload_key

UPLOAD_URL_TTL_SEC = 15 * 60


class UploadService:
    def __init__(self, objects: ObjectStore, max_bytes: int):
        self.objects, self.max_bytes = objects, max_bytes

    def create(self, uid: str, request: UploadRequest) -> dict:
        content_type = request.contentType.split(";")[0].strip().lower()
        if content_type not in IMAGE_TYPES:
            raise errors.UnsupportedMediaType("Images must be PNG, JPEG or WebP.", field="contentType")
        if request.sizeBytes > self.max_bytes:
            raise errors.TooLarge(f"Images can be at most {self.max_bytes // (1024 * 1024)} MB.", field="sizeBytes")
        key = upload_key(uid, uuid.uuid4().hex, IMAGE_TYPES[content_type])
        url = self.objects.upload_url(key, content_type, request.sizeBytes, UPLOAD_URL_TTL_SEC)
        expires = utcnow() + dt.timedelta(seconds=UPLOAD_URL_TTL_SEC)
        return {"imageKey": key, "uploadUrl": url, "expiresAt": expires.isoformat()}
