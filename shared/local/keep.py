"""What `make run KEEP=1` keeps from one run to the next, under .run/keep/.

- Firestore: the emulator's own export (`POST /emulator/v1/projects/{p}:export`), taken as the stack stops and
  loaded at the next start with `--seed_from_export`.
- Auth: firebase-tools' `--export-on-exit` and `--import`; the Auth emulator exports as it stops on SIGTERM.
- S3: moto keeps nothing, so the bucket's objects are copied out as the stack stops and put back at start.

A stack killed with SIGKILL saves no Firestore or S3 data: the next run starts from what the last clean stop kept.
"""

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import requests

from shared.local import settings

FIRESTORE_EXPORT_NAME = "firestore_export"


@dataclass(frozen=True)
class KeptData:
    root: Path

    @property
    def auth_dir(self) -> Path:
        return self.root / "auth"

    @property
    def firestore_dir(self) -> Path:
        return self.root / "firestore"

    @property
    def s3_dir(self) -> Path:
        return self.root / "s3"

    def firestore_seed(self) -> Path | None:
        """The metadata file of the Firestore emulator's last export, when there is one."""
        metadata = self.firestore_dir / FIRESTORE_EXPORT_NAME / f"{FIRESTORE_EXPORT_NAME}.overall_export_metadata"
        return metadata if metadata.is_file() else None

    def save_firestore(self, host: str, project: str = settings.PROJECT_ID) -> None:
        """Export every document into a fresh folder, then swap it in: a failed export keeps the last one."""
        fresh = self.root / "firestore.new"
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        response = requests.post(
            f"http://{host}/emulator/v1/projects/{project}:export",
            json={
                "database": f"projects/{project}/databases/(default)",
                "export_directory": str(fresh),
                "export_name": FIRESTORE_EXPORT_NAME,
            },
            timeout=30,
        )
        response.raise_for_status()
        shutil.rmtree(self.firestore_dir, ignore_errors=True)
        fresh.rename(self.firestore_dir)

    def save_bucket(self, endpoint: str, bucket: str = settings.BUCKET) -> int:
        """Copy the bucket's objects out (only those changed since the last copy); answers how many it holds."""
        from shared.local.emulators import s3_client

        client, objects_dir = s3_client(endpoint), self.s3_dir / "objects"
        objects_dir.mkdir(parents=True, exist_ok=True)
        before = self._manifest()
        after = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                key, etag = item["Key"], item["ETag"]
                file = objects_dir / hashlib.sha256(key.encode()).hexdigest()  # no key names a path here
                entry = before.get(key)
                if entry is None or entry["etag"] != etag or not file.is_file():
                    answer = client.get_object(Bucket=bucket, Key=key)
                    partial = file.with_suffix(".partial")
                    partial.write_bytes(answer["Body"].read())
                    partial.rename(file)
                    entry = {"etag": etag, "contentType": answer.get("ContentType") or "binary/octet-stream"}
                after[key] = {**entry, "file": file.name}
        for stale in {entry["file"] for entry in before.values()} - {entry["file"] for entry in after.values()}:
            (objects_dir / stale).unlink(missing_ok=True)
        manifest = self.s3_dir / "manifest.json"
        manifest.with_suffix(".new").write_text(json.dumps(after, indent=1))
        manifest.with_suffix(".new").rename(manifest)
        return len(after)

    def restore_bucket(self, endpoint: str, bucket: str = settings.BUCKET) -> int:
        """Put the kept objects back into the (new, empty) bucket; answers how many."""
        from shared.local.emulators import s3_client

        client, objects_dir = s3_client(endpoint), self.s3_dir / "objects"
        manifest = self._manifest()
        restored = 0
        for key, entry in manifest.items():
            file = objects_dir / entry["file"]
            if file.is_file():  # one lost file costs that object, not the start
                client.put_object(Bucket=bucket, Key=key, Body=file.read_bytes(), ContentType=entry["contentType"])
                restored += 1
        return restored

    def _manifest(self) -> dict[str, dict]:
        try:
            return json.loads((self.s3_dir / "manifest.json").read_text())
        except FileNotFoundError:
            return {}
