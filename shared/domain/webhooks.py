"""Outgoing webhooks: which job events a creator can be told of, and which by default."""

from __future__ import annotations

from typing import Literal

WebhookEvent = Literal["job.running", "job.completed", "job.failed", "job.canceled"]
WEBHOOK_EVENTS: tuple[WebhookEvent, ...] = ("job.running", "job.completed", "job.failed", "job.canceled")
DEFAULT_WEBHOOK_EVENTS: tuple[WebhookEvent, ...] = ("job.completed", "job.failed", "job.canceled")
WEBHOOK_URL_MAX_CHARS = 2048
