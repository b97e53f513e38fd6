"""The names of the log lines that metrics and alerts count.

A line that a log-based metric counts carries `event` with one of these values (`jsonPayload.event` in Cloud
Logging); Terraform's metric filters name them, and tests/infra checks that each name it uses is defined here.
"""

import enum


class LogEvent(enum.StrEnum):
    JOB_COMPLETED = "job_completed"  # settled; carries gpuSeconds, renderSec, queueWaitSec, attempt
    JOB_FAILED = "job_failed"  # failed and refunded; carries code, attempt
    JOB_RETRIED = "job_retried"  # lost by the GPU backend for an infrastructure reason and dispatched again
    JOB_OVERDUE = "job_overdue"  # the sweep found an unfinished job past its deadline
    DISPATCH_RETRIES_EXHAUSTED = "dispatch_retries_exhausted"  # the GPU backend could not be reached in time
    WEBHOOK_REJECTED = "webhook_rejected"  # an incoming webhook failed its check; carries source
    SERVER_ERROR = "server_error"  # an answer with a 5xx status; carries status, code
    SETTINGS_INVALID = "settings_invalid"  # a function started with settings that don't validate
