// The API client: adds the Firebase ID token, and turns every failure into an ApiError whose message is a
// sentence a person can read (the message of the API's error body, {"error": {code, message, field?,
// categories?}}, or one of ours for network and gateway failures).
import type {
  ApiKey, Balance, CreatedApiKey, CreatedJob, CreateJobBody, ErrorBody, Job, LedgerEntry, Page, Payment, PlanListing,
  Redirect, Upload, WebhookSecret,
} from "./types";
import type { AdminJobsQuery, AdminModeration, AdminOverview, AdminUser, Refusal, RefusalDay } from "../admin/types";

export class ApiError extends Error {
  /** The request field the error is about, as the API names it ("prompt", "imageKey", …). */
  readonly field?: string;
  /** For a content_policy refusal: the categories it was flagged for ("Violent", "Blocked term", …). */
  readonly categories?: string[];

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    details: { field?: string; categories?: string[] } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.field = details.field;
    this.categories = details.categories;
  }
}

export type TokenSource = () => Promise<string | null>;

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: a proxy or gateway answered; fall through to a generic sentence.
  }
  const error = (body as { error?: Partial<ErrorBody> } | null)?.error;
  if (error?.message) {
    return new ApiError(response.status, error.code ?? "error", error.message, {
      field: typeof error.field === "string" ? error.field : undefined,
      categories: Array.isArray(error.categories)
        ? error.categories.filter((name): name is string => typeof name === "string") : undefined,
    });
  }
  const retry = response.status >= 500 ? " Please try again in a moment." : "";
  return new ApiError(response.status, "http_error", `The server answered HTTP ${response.status}.${retry}`);
}

export class ApiClient {
  constructor(
    private readonly token: TokenSource,
    private readonly base = "",
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const token = await this.token();
    const init: RequestInit = { method, headers: { ...headers } };
    const allHeaders = init.headers as Record<string, string>;
    if (token) allHeaders.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      allHeaders["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}${path}`, init);
    } catch {
      throw new ApiError(0, "network", "CineWeave can't be reached right now; check your connection and try again.");
    }
    if (!response.ok) throw await errorFrom(response);
    if (response.status === 204) return undefined as T; // DELETE answers with no body
    return (await response.json()) as T;
  }

  // Jobs
  createJob(body: CreateJobBody, idempotencyKey: string) {
    return this.request<CreatedJob>("POST", "/api/jobs", body, { "Idempotency-Key": idempotencyKey });
  }
  job(jobId: string) {
    return this.request<Job>("GET", `/api/jobs/${encodeURIComponent(jobId)}`);
  }
  async jobs(limit = 20, cursor?: string | null): Promise<Page<Job>> {
    const page = await this.request<{ jobs: Job[]; nextCursor: string | null }>(
      "GET", withQuery("/api/jobs", { limit, cursor }));
    return { items: page.jobs, nextCursor: page.nextCursor };
  }
  cancelJob(jobId: string) {
    return this.request<Job>("POST", `/api/jobs/${encodeURIComponent(jobId)}/cancel`);
  }
  createUpload(contentType: string, sizeBytes: number) {
    return this.request<Upload>("POST", "/api/uploads", { contentType, sizeBytes });
  }

  // Credits and payments
  balance() {
    return this.request<Balance>("GET", "/api/credits");
  }
  async ledger(limit = 25, cursor?: string | null): Promise<Page<LedgerEntry>> {
    const page = await this.request<{ entries: LedgerEntry[]; nextCursor: string | null }>(
      "GET", withQuery("/api/credits/ledger", { limit, cursor }));
    return { items: page.entries, nextCursor: page.nextCursor };
  }
  plans() {
    return this.request<PlanListing>("GET", "/api/plans");
  }
  subscribe(planId: string, idempotencyKey: string) {
    return this.request<Redirect>("POST", "/api/subscribe", { planId }, { "Idempotency-Key": idempotencyKey });
  }
  topup(credits: number, idempotencyKey: string) {
    return this.request<Redirect>("POST", "/api/topup", { credits }, { "Idempotency-Key": idempotencyKey });
  }
  payment(paymentId: string) {
    return this.request<Payment>("GET", `/api/payments/${encodeURIComponent(paymentId)}`);
  }

  // Developer API: keys (managed with the ID token only) and the webhook signing secret
  async apiKeys(): Promise<ApiKey[]> {
    return (await this.request<{ keys: ApiKey[] }>("GET", "/api/keys")).keys;
  }
  createApiKey(name: string) {
    return this.request<CreatedApiKey>("POST", "/api/keys", { name });
  }
  deleteApiKey(keyId: string) {
    return this.request<void>("DELETE", `/api/keys/${encodeURIComponent(keyId)}`);
  }
  webhookSecret() {
    return this.request<WebhookSecret>("GET", "/api/webhooks/secret");
  }
  rotateWebhookSecret() {
    return this.request<WebhookSecret>("POST", "/api/webhooks/secret/rotate");
  }

  // Admin console
  adminOverview() {
    return this.request<AdminOverview>("GET", "/api/admin/overview");
  }
  async adminJobs(query: AdminJobsQuery, cursor?: string | null): Promise<Page<Job>> {
    const page = await this.request<{ jobs: Job[]; nextCursor: string | null }>(
      "GET", withQuery("/api/admin/jobs", { ...query, cursor, limit: 25 }));
    return { items: page.jobs, nextCursor: page.nextCursor };
  }
  async adminUsers(cursor?: string | null, email?: string): Promise<Page<AdminUser>> {
    const page = await this.request<{ users: AdminUser[]; nextCursor: string | null }>(
      "GET", withQuery("/api/admin/users", { cursor, email, limit: 25 }));
    return { items: page.users, nextCursor: page.nextCursor };
  }
  async adminModeration(cursor?: string | null): Promise<AdminModeration> {
    const page = await this.request<{ perDay: RefusalDay[]; refusals: Refusal[]; nextCursor: string | null }>(
      "GET", withQuery("/api/admin/moderation", { limit: 50, cursor }));
    return { perDay: page.perDay, items: page.refusals, nextCursor: page.nextCursor };
  }
  adjustCredits(uid: string, delta: number, reason: string, idempotencyKey: string) {
    return this.request<{ credits: number }>("POST", `/api/admin/users/${encodeURIComponent(uid)}/credits`,
      { delta, reason }, { "Idempotency-Key": idempotencyKey });
  }
}

/** A fresh key per user action, so a retried click is not charged twice. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
