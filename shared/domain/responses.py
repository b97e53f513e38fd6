"""Every JSON body the API answers with, as pydantic models (camelCase, the wire names).

A body is written with the fields that were given (`exclude_unset`), so an optional field that does not apply
is left out, while a field given as None is written as null. Times are ISO 8601 strings.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- errors -------------------------------------------------------------------------------------------------
class ErrorDetail(Answer):
    code: str
    message: str
    field: str | None = None
    categories: list[str] | None = None  # content_policy: what the content was refused for


class ErrorBody(Answer):
    error: ErrorDetail


# -- jobs ---------------------------------------------------------------------------------------------------
class JobLinks(Answer):
    self: str  # GET: the job
    cancel: str  # POST: cancel it, refunding what it reserved


class JobCreated(Answer):
    jobId: str
    status: str
    creditsReserved: int
    creditsRemaining: int
    urls: JobLinks | None = None


class JobErrorView(Answer):
    code: str
    message: str


class WebhookDelivery(Answer):
    event: str
    attempt: int
    statusCode: int | None  # the receiver's answer, None when there was none
    error: str | None  # why the attempt failed, when it did
    at: str


class JobView(Answer):
    jobId: str
    status: str
    stage: str | None
    progress: float
    prompt: str
    negativePrompt: str | None
    imageKey: str | None
    durationSec: int
    aspectRatio: str | None
    width: int | None
    height: int | None
    fps: int | None
    seed: int
    creditsUsed: int
    creditsRefunded: int
    createdAt: str | None
    startedAt: str | None
    finishedAt: str | None
    expiresAt: str | None
    attempt: int = Field(default=1, ge=1, description="Renders started: 2 after an automatic retry of a lost render.")
    queuePosition: int | None = None
    etaSec: int | None = None
    error: JobErrorView | None = None
    videoUrl: str | None = None
    downloadUrl: str | None = None
    posterUrl: str | None = None
    userId: str | None = None  # admin views only
    urls: JobLinks | None = None
    webhookDeliveries: list[WebhookDelivery] | None = None  # the last attempts, newest first


class JobList(Answer):
    jobs: list[JobView]
    nextCursor: str | None


# -- credits ------------------------------------------------------------------------------------------------
class Balance(Answer):
    credits: int
    reserved: int
    plan: str | None
    renewsAt: str | None


class LedgerEntryView(Answer):
    id: str
    kind: str
    amount: int
    createdAt: str
    jobId: str | None = None
    paymentId: str | None = None
    reason: str | None = None


class LedgerPage(Answer):
    entries: list[LedgerEntryView]
    nextCursor: str | None


# -- uploads ------------------------------------------------------------------------------------------------
class UploadTarget(Answer):
    imageKey: str
    uploadUrl: str
    expiresAt: str


# -- plans and payments -------------------------------------------------------------------------------------
class PlanView(Answer):
    id: str
    name: str
    creditsPerMonth: int
    priceUsdCents: int
    priceMinor: int
    currency: str


class TopupTerms(Answer):
    priceMinorPerCredit: int
    currency: str
    usdCentsPerCredit: int
    minCredits: int
    maxCredits: int


class DurationPrice(Answer):
    durationSec: int
    credits: int


class UploadLimits(Answer):
    contentTypes: list[str]
    maxBytes: int


class JobLimits(Answer):
    promptMaxChars: int
    durations: list[DurationPrice]
    aspectRatios: list[str]
    maxActiveJobs: int
    upload: UploadLimits
    videoTtlHours: int
    maxSeed: int


class PlanListing(Answer):
    plans: list[PlanView]
    topup: TopupTerms
    creditPolicy: str
    jobLimits: JobLimits
    paymentsEnabled: bool


class PaymentStarted(Answer):
    paymentId: str
    redirectUrl: str | None


class PaymentView(Answer):
    paymentId: str
    status: str
    purpose: str
    credits: int
    amountMinor: int
    currency: str
    createdAt: str
    planId: str | None = None
    period: str | None = None
    redirectUrl: str | None = None
    failureReason: str | None = None


# -- developers: API keys and the webhook signing secret -----------------------------------------------------
class ApiKeyInfo(Answer):
    id: str
    name: str
    prefix: str  # the first characters of the key, to tell keys apart; never the secret
    createdAt: str | None
    lastUsedAt: str | None


class ApiKeyCreated(Answer):
    id: str
    name: str
    key: str  # the secret, shown this once
    prefix: str
    createdAt: str | None


class ApiKeyList(Answer):
    keys: list[ApiKeyInfo]


class WebhookSecret(Answer):
    secret: str  # whsec_…: verifies the webhook-signature header of our deliveries


# -- admin --------------------------------------------------------------------------------------------------
class DayCount(Answer):
    date: str
    total: int
    failed: int


class ModerationDay(Answer):
    day: str
    refusals: int


class ModerationRefusal(Answer):
    id: str
    uid: str
    email: str | None
    field: str
    categories: list[str]
    check: str
    at: str | None


class ModerationPage(Answer):
    perDay: list[ModerationDay]
    refusals: list[ModerationRefusal]
    nextCursor: str | None


class RevenueRow(Answer):
    planId: str
    name: str
    subscribers: int
    revenueMinor: int
    gpuSeconds: float
    gpuCostMinor: int
    currency: str


class RecentJobStats(Answer):
    """Jobs created in the last 24 h. At most a fixed number of the newest are read; `capped` says when more
    were created."""

    jobs: int = Field(description="Jobs created in the window (those read, when capped).")
    finished: int = Field(description="Of those, done, expired or failed; canceled jobs are left out.")
    successRate: float | None = Field(description="(done + expired) / finished; null when none finished.")
    renderSecP50: float | None = Field(description="startedAt → finishedAt of the jobs that finished done.")
    renderSecP95: float | None
    queueWaitSecP50: float | None = Field(description="createdAt → startedAt of the jobs that started.")
    queueWaitSecP95: float | None
    retries: int = Field(description="Jobs dispatched again after the GPU backend lost them (attempt > 1).")
    capped: bool


class AdminOverview(Answer):
    users: int
    jobsByStatus: dict[str, int]
    failureRatio: float
    creditsBurned: int
    gpuSeconds: float
    gpuCostUsd: float
    jobsPerDay: list[DayCount]
    revenue: list[RevenueRow]
    last24h: RecentJobStats


class AdminUser(Answer):
    uid: str
    email: str | None
    credits: int
    reserved: int
    activeJobs: int
    plan: str | None
    createdAt: str | None


class AdminUserPage(Answer):
    users: list[AdminUser]
    nextCursor: str | None


class CreditsAfterAdjustment(Answer):
    credits: int


# -- health and internal calls ------------------------------------------------------------------------------
class Health(Answer):
    ok: bool
    problems: list[str] | None = None  # 503: the settings at fault, by environment variable name; never values


class DispatchOutcome(Answer):
    jobId: str
    outcome: str


class TaskCounts(Answer):
    ok: bool
    counts: dict[str, int]


class WebhookOutcome(Answer):
    ok: bool
    outcome: str | None = None
    effect: str | None = None
