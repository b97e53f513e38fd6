"""Object storage on the S3 API: Cloudflare R2 in production, moto's server locally.

R2 needs SigV4, region "auto" and no automatic CRC checksums (it rejects some of the headers boto3 adds
by default), hence the `when_required` settings.
"""

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from shared.config import Settings
from shared.domain import errors
from shared.services.ports import StoredObject


def make_client(settings: Settings):
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key,
        region_name=settings.s3_region,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )


class ObjectStore:
    def __init__(self, client, bucket: str):
        self.client, self.bucket = client, bucket

    def upload_url(self, key: str, content_type: str, size_bytes: int, expires_sec: int) -> str:
        """A presigned PUT that only accepts this content type and exactly this many bytes."""
        return self.client.generate_presigned_url(
            "put_object",
            Params={"Bucket": self.bucket, "Key": key, "ContentType": content_type, "ContentLength": size_bytes},
            ExpiresIn=expires_sec,
        )

    def download_url(self, key: str, expires_sec: int, filename: str | None = None, attachment: bool = False) -> str:
        """A presigned GET; with `attachment` the browser saves the file instead of showing it."""
        params = {"Bucket": self.bucket, "Key": key}
        if filename:
            disposition = "attachment" if attachment else "inline"
            params["ResponseContentDisposition"] = f'{disposition}; filename="{filename}"'
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_sec)

    def stat(self, key: str) -> StoredObject | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredObject(
            key=key, size=head["ContentLength"], content_type=head.get("ContentType"), etag=head.get("ETag", "")
        )

    def read(self, key: str, max_bytes: int) -> bytes:
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        data = body.read(max_bytes + 1)
        body.close()
        if len(data) > max_bytes:
            raise errors.TooLarge(f"The object is larger than {max_bytes} bytes.")
        return data

    def delete(self, keys: list[str]) -> None:
        if keys:
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True}
            )
