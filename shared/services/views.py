"""How stored things are shown to their owner: the typed answers built from typed records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shared.domain import responses
from shared.domain.clock import utcnow
from shared.domain.credits import Account, LedgerEntry
from shared.domain.jobs import Job, JobStatus
from shared.services.ports import ObjectStorage

URL_TTL_SEC = 6 * 3600


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def job_links(base_url: str, job_id: str) -> responses.JobLinks:
    job_url = f"{base_url.rstrip('/')}/api/jobs/{job_id}"
    return responses.JobLinks(self=job_url, cancel=f"{job_url}/cancel")


def job_view(
    job: Job, objects: ObjectStorage | None = None, queue_position: int | None = None, base_url: str | None = None
) -> responses.JobView:
    view = responses.JobView(
        jobId=job.id,
        status=job.status,
        stage=job.stage,
        progress=job.progress,
        prompt=job.prompt,
        negativePrompt=job.negative_prompt,
        imageKey=job.image_key,
        durationSec=job.duration_sec,
        aspectRatio=job.aspect_ratio,
        width=job.width,
        height=job.height,
        fps=job.fps,
        seed=job.seed,
        creditsUsed=0 if job.refunded else job.credits,
        creditsRefunded=job.credits if job.refunded else 0,
        createdAt=iso(job.created_at),
        startedAt=iso(job.started_at),
        finishedAt=iso(job.finished_at),
        expiresAt=iso(job.expires_at),
        attempt=job.attempt,
    )
    if base_url is not None:
        view.urls = job_links(base_url, job.id)
    if queue_position is not None:
        view.queuePosition = queue_position
    if job.eta_sec is not None:
        view.etaSec = job.eta_sec
    if job.error:
        view.error = responses.JobErrorView.model_validate(job.error)
    if job.webhook_deliveries:
        view.webhookDeliveries = [delivery_view(delivery) for delivery in job.webhook_deliveries]
    if job.status == JobStatus.DONE and objects is not None:
        ttl = _url_ttl(job.expires_at)
        if ttl > 0:
            filename = f"cineweave-{job.id}.mp4"
            view.videoUrl = objects.download_url(job.video_key, ttl, filename=filename)
            view.downloadUrl = objects.download_url(job.video_key, ttl, filename=filename, attachment=True)
            view.posterUrl = objects.download_url(job.poster_key, ttl)
    return view


def delivery_view(delivery: dict[str, Any]) -> responses.WebhookDelivery:
    """One webhook attempt as stored on the job (shared/domain/jobs.py `record_webhook_attempt`)."""
    return responses.WebhookDelivery(
        event=delivery["event"],
        attempt=delivery["attempt"],
        statusCode=delivery.get("statusCode"),
        error=delivery.get("error"),
        at=iso(delivery["at"]) or "",
    )


def _url_ttl(expires_at: dt.datetime | None) -> int:
    if expires_at is None:
        return URL_TTL_SEC
    remaining = int((expires_at - utcnow()).total_seconds())
    return max(0, min(URL_TTL_SEC, remaining))


def balance_view(account: Account) -> responses.Balance:
    return responses.Balance(
        credits=account.credits, reserved=account.reserved, plan=account.plan, renewsAt=iso(account.renews_at)
    )


def entry_view(entry: LedgerEntry) -> responses.LedgerEntryView:
    view = responses.LedgerEntryView(
        id=entry.id, kind=entry.kind, amount=entry.amount, createdAt=entry.created_at.isoformat()
    )
    for name, value in (("jobId", entry.job_id), ("paymentId", entry.payment_id), ("reason", entry.reason)):
        if value is not None:
            setattr(view, name, value)
    return view
