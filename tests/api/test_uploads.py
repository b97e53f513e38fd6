"""POST /api/uploads: presigned PUTs pinned to type and size, then used by a job."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests


def test_upload_then_create_an_image_job(api, services, make_user):
    user = make_user(credits=1)
    image = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
    answer = api.post("/api/uploads", user, json={"contentType": "image/png", "sizeBytes": len(image)})
    assert answer.status_code == 201, answer.json
    upload = answer.json
    assert upload["imageKey"].startswith(f"uploads/{user.uid}/") and upload["imageKey"].endswith(".png")
    put = requests.put(upload["uploadUrl"], data=image, headers={"Content-Type": "image/png"}, timeout=10)
    assert put.status_code == 200
    stored = services.objects.stat(upload["imageKey"])
    assert stored.size == len(image) and stored.content_type == "image/png"

    job = api.post(
        "/api/jobs/create", user, json={"prompt": "animate", "durationSec": 5, "imageKey": upload["imageKey"]}
    )
    assert job.status_code == 201, job.json


def test_presigned_put_pins_type_and_size_in_the_signature(api, services, make_user):
    # moto does not check signatures; R2 does, so the pins must be signed headers of the URL.
    user = make_user()
    upload = api.post("/api/uploads", user, json={"contentType": "image/jpeg", "sizeBytes": 1234}).json
    query = parse_qs(urlparse(upload["uploadUrl"]).query)
    assert set(query["X-Amz-SignedHeaders"][0].split(";")) >= {"content-type", "content-length", "host"}
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and int(query["X-Amz-Expires"][0]) <= 900
    assert upload["imageKey"].endswith(".jpg")


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"contentType": "image/gif", "sizeBytes": 100}, 415, "unsupported_media_type"),
        ({"contentType": "application/pdf", "sizeBytes": 100}, 415, "unsupported_media_type"),
        ({"contentType": "image/png", "sizeBytes": 10 * 1024 * 1024 + 1}, 413, "too_large"),
        ({"contentType": "image/png", "sizeBytes": 0}, 400, "invalid_argument"),
        ({"contentType": "image/png"}, 400, "invalid_argument"),
    ],
)
def test_bad_uploads(api, services, make_user, body, status, code):
    user = make_user()
    answer = api.post("/api/uploads", user, json=body)
    assert answer.status_code == status and answer.json["error"]["code"] == code
