"""How a job document is shown to its owner (DESIGN.md §5 job view)."""

import datetime as dt

from shared.models import JobStatus
from shared.storage import ObjectStore

URL_TTL_SEC = 6 * 3600


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def job_view(job_id: str, data: dict, objects: ObjectStore | None = None, queue_position: int | None = None) -> dict:
    status = data["status"]
    refunded = data.get("refunded", False)
    view = {
        "jobId": job_id,
        "status": status,
        "stage": data.get("stage"),
        "progress": data.get("progress", 0.0),
        "prompt": data["prompt"],
        "negativePrompt": data.get("negativePrompt"),
        "imageKey": data.get("imageKey"),
        "durationSec": data["durationSec"],
        "aspectRatio": data.get("aspectRatio"),
        "width": data.get("width"),
        "height": data.get("height"),
        "fps": data.get("fps"),
        "seed": data["seed"],
        "creditsUsed": 0 if refunded else data["credits"],
        "creditsRefunded": data["credits"] if refunded else 0,
        "createdAt": _iso(data.get("createdAt")),
        "startedAt": _iso(data.get("startedAt")),
        "finishedAt": _iso(data.get("finishedAt")),
        "expiresAt": _iso(data.get("expiresAt")),
    }
    if queue_position is not None:
        view["queuePosition"] = queue_position
    if data.get("etaSec") is not None:
        view["etaSec"] = data["etaSec"]
    if data.get("error"):
        view["error"] = data["error"]
    if status == JobStatus.DONE.value and objects is not None:
        ttl = _url_ttl(data.get("expiresAt"))
        if ttl > 0:
            filename = f"cineweave-{job_id}.mp4"
            view["videoUrl"] = objects.download_url(data["videoKey"], ttl, filename=filename)
            view["downloadUrl"] = objects.download_url(data["videoKey"], ttl, filename=filename, attachment=True)
            view["posterUrl"] = objects.download_url(data["posterKey"], ttl)
    return view


def _url_ttl(expires_at: dt.datetime | None) -> int:
    if expires_at is None:
        return URL_TTL_SEC
    remaining = int((expires_at - dt.datetime.now(dt.timezone.utc)).total_seconds())
    return max(0, min(URL_TTL_SEC, remaining))
