// The JSON bodies the API answers with, from the types generated out of its OpenAPI document
// (src/api/schema.d.ts, `npm run gen:api`). Where the document says only "string" for a closed set of
// values (a job's status, a ledger entry's kind), the set is narrowed here.
import type { components } from "./schema";

type Schemas = components["schemas"];

export type JobStatus = "queued" | "dispatched" | "running" | "done" | "expired" | "failed" | "canceled";

export const UNFINISHED: readonly JobStatus[] = ["queued", "dispatched", "running"];

/** The API's error body, {"error": ErrorBody}; `categories` comes with a content_policy refusal only. */
export type ErrorBody = Schemas["ErrorDetail"];

export type JobError = Schemas["JobErrorView"];
export type JobView = Schemas["JobView"];
export type Job = Omit<JobView, "status"> & { status: JobStatus };
/** Absolute addresses: `self` to GET the job, `cancel` to POST its cancellation. */
export type JobLinks = Schemas["JobLinks"];
export type WebhookDelivery = Schemas["WebhookDelivery"];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Balance = Schemas["Balance"];

export type LedgerKind = "grant" | "topup" | "adjust" | "reserve" | "settle" | "refund";
export type LedgerEntry = Omit<Schemas["LedgerEntryView"], "kind"> & { kind: LedgerKind };

export type Plan = Schemas["PlanView"];
/** What a create-job request may ask for (GET /api/plans → jobLimits); the first aspect ratio is the default. */
export type JobLimits = Schemas["JobLimits"];
export type PlanListing = Schemas["PlanListing"];

// The form offers the lengths and aspect ratios that GET /api/plans lists (the app keeps no copy of them), so
// they are plain numbers and strings here rather than the document's enums; the API checks them.
export type CreateJobBody = Omit<Schemas["CreateJobRequest"], "durationSec" | "aspectRatio"> & {
  durationSec: number;
  aspectRatio?: string;
};
export type WebhookEvent = NonNullable<CreateJobBody["webhookEvents"]>[number];
export type CreatedJob = Omit<Schemas["JobCreated"], "status"> & { status: "queued" };

export type Upload = Schemas["UploadTarget"];
export type Redirect = Schemas["PaymentStarted"];
export type Payment = Schemas["PaymentView"];

/** One of the user's API keys as listed: the prefix tells keys apart; the secret is never listed. */
export type ApiKey = Schemas["ApiKeyInfo"];
/** POST /api/keys: the only answer that carries the secret `key` (cw_…). */
export type CreatedApiKey = Schemas["ApiKeyCreated"];
/** The whsec_… secret that signs the user's webhook deliveries. */
export type WebhookSecret = Schemas["WebhookSecret"];
