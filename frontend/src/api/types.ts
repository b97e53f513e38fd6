// The JSON bodies the API answers with, as the web app reads them.

export type JobStatus = "queued" | "dispatched" | "running" | "done" | "expired" | "failed" | "canceled";

export const UNFINISHED: readonly JobStatus[] = ["queued", "dispatched", "running"];

/** The API's error body, {"error": ErrorBody}; `categories` comes with a content_policy refusal only. */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  categories?: string[];
}

export interface JobError {
  code: string;
  message: string;
}

export interface Job {
  jobId: string;
  status: JobStatus;
  stage: string | null;
  progress: number;
  queuePosition?: number;
  etaSec?: number;
  prompt: string;
  negativePrompt?: string | null;
  imageKey?: string | null;
  durationSec: number;
  aspectRatio?: string | null; // one of jobLimits.aspectRatios
  width?: number | null;
  height?: number | null;
  seed: number;
  creditsUsed: number;
  creditsRefunded: number;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
  videoUrl?: string;
  downloadUrl?: string;
  posterUrl?: string;
  error?: JobError;
  userId?: string;
  urls?: JobLinks | null;
  webhookDeliveries?: WebhookDelivery[] | null;
}

/** Absolute addresses: `self` to GET the job, `cancel` to POST its cancellation. */
export interface JobLinks {
  self: string;
  cancel: string;
}

export interface WebhookDelivery {
  event: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  at: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Balance {
  credits: number;
  reserved: number;
  plan: string | null;
  renewsAt: string | null;
}

export type LedgerKind = "grant" | "topup" | "adjust" | "reserve" | "settle" | "refund";

export interface LedgerEntry {
  id: string;
  kind: LedgerKind;
  amount: number;
  jobId?: string;
  paymentId?: string;
  reason?: string;
  createdAt: string | null;
}

export interface Plan {
  id: string;
  name: string;
  creditsPerMonth: number;
  priceUsdCents: number;
  priceMinor: number;
  currency: string;
}

/** What a create-job request may ask for (GET /api/plans → jobLimits); the web app has no other copy. */
export interface JobLimits {
  promptMaxChars: number;
  durations: { durationSec: number; credits: number }[];
  /** The first is the default. */
  aspectRatios: string[];
  maxActiveJobs: number;
  upload: { contentTypes: string[]; maxBytes: number };
  videoTtlHours: number;
  maxSeed: number;
}

export interface PlanListing {
  plans: Plan[];
  topup: { priceMinorPerCredit: number; currency: string; usdCentsPerCredit: number; minCredits: number; maxCredits: number };
  creditPolicy: string;
  jobLimits: JobLimits;
  paymentsEnabled: boolean;
}

export interface CreateJobBody {
  prompt: string;
  negativePrompt?: string;
  imageKey?: string;
  durationSec: number;
  seed?: number;
  aspectRatio: string;
  webhookUrl?: string;
  webhookEvents?: WebhookEvent[];
}

export type WebhookEvent = "job.running" | "job.completed" | "job.failed" | "job.canceled";

export interface CreatedJob {
  jobId: string;
  status: "queued";
  creditsReserved: number;
  creditsRemaining: number;
  urls?: JobLinks | null;
}

export interface Upload {
  imageKey: string;
  uploadUrl: string;
  expiresAt: string;
}

export interface Redirect {
  paymentId: string;
  redirectUrl: string;
}

export interface Payment {
  paymentId: string;
  status: string;
  purpose: string;
  credits: number;
  amountMinor: number;
  currency: string;
  createdAt: string;
  planId?: string;
  failureReason?: string;
}

/** One of the user's API keys as listed: the prefix tells keys apart; the secret is never listed. */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string | null;
  lastUsedAt: string | null;
}

/** POST /api/keys: the only answer that carries the secret `key` (cw_…). */
export interface CreatedApiKey {
  id: string;
  name: string;
  key: string;
  prefix: string;
  createdAt: string | null;
}

/** The whsec_… secret that signs the user's webhook deliveries. */
export interface WebhookSecret {
  secret: string;
}
