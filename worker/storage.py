"""Object storage for results (S3 / Cloudflare R2 via boto3) and the input-image download."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import boto3
import requests
from botocore.config import Config

from worker.errors import InvalidInput

MAX_IMAGE_BYTES = 10 * 1024 * 1024
DOWNLOAD_TIMEOUT_SEC = 30
VIDEO_CONTENT_TYPE = "video/mp4"
POSTER_CONTENT_TYPE = "image/jpeg"


def s3_client_from_env(env: Mapping[str, str] = os.environ):
    """A boto3 S3 client for S3_ENDPOINT_URL with the settings Cloudflare R2 accepts."""
    config = Config(
        signature_version="s3v4",
        # R2 rejects the newer default CRC checksums on some calls; send them only when required.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "path"},
        retries={"max_attempts": 5, "mode": "standard"},
        connect_timeout=10,
        read_timeout=120,
    )
    return boto3.client(
        "s3",
        endpoint_url=env.get("S3_ENDPOINT_URL") or None,
        aws_access_key_id=env.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=env.get("S3_SECRET_ACCESS_KEY") or None,
        region_name=env.get("S3_REGION") or "auto",
        config=config,
    )


def upload_file(client, bucket: str, key: str, path: str | Path, content_type: str) -> None:
    """PUT one local file; a single PUT is enough for clips (tens of MB at most)."""
    with open(path, "rb") as body:
        client.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def upload_outputs(
    bucket: str, video_key: str, video_path: str | Path, poster_key: str, poster_path: str | Path, client=None
) -> None:
    """Upload the MP4 and its poster; the poster goes last so a poster implies a complete video."""
    client = client or s3_client_from_env()
    upload_file(client, bucket, video_key, video_path, VIDEO_CONTENT_TYPE)
    upload_file(client, bucket, poster_key, poster_path, POSTER_CONTENT_TYPE)


def download_image_bytes(url: str, max_bytes: int = MAX_IMAGE_BYTES, timeout: float = DOWNLOAD_TIMEOUT_SEC) -> bytes:
    """Fetch the input image from a presigned GET URL, refusing anything over max_bytes."""
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise InvalidInput(f"The input image could not be downloaded (HTTP {response.status_code}).")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InvalidInput(f"The input image is larger than {max_bytes // (1024 * 1024)} MB.")
            chunks, received = [], 0
            for chunk in response.iter_content(chunk_size=64 * 1024):
                received += len(chunk)
                # The header can lie or be missing; count what actually arrives.
                if received > max_bytes:
                    raise InvalidInput(f"The input image is larger than {max_bytes // (1024 * 1024)} MB.")
                chunks.append(chunk)
    except requests.RequestException as exc:
        raise InvalidInput(f"The input image could not be downloaded: {type(exc).__name__}.") from None
    if not chunks:
        raise InvalidInput("The input image is empty.")
    return b"".join(chunks)
