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
}

export interface CreatedJob {
  jobId: string;
  status: "queued";
  creditsReserved: number;
  creditsRemaining: number;
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
