import type { JobStatus, Page } from "../api/types";

export interface DayCount {
  date: string;
  total: number;
  failed: number;
}

export interface PlanEconomics {
  planId: string;
  name: string;
  subscribers: number;
  revenueMinor: number;
  gpuSeconds: number;
  gpuCostMinor: number;
  currency: string;
}

export interface AdminOverview {
  users: number;
  jobsByStatus: Record<JobStatus, number>;
  failureRatio: number;
  creditsBurned: number;
  gpuSeconds: number;
  gpuCostUsd: number;
  jobsPerDay: DayCount[];
  revenue: PlanEconomics[];
}

export interface AdminUser {
  uid: string;
  email: string | null;
  credits: number;
  reserved: number;
  activeJobs: number;
  plan: string | null;
  createdAt: string | null;
}

export interface AdminJobsQuery {
  status?: JobStatus | "";
  userId?: string;
}

/** Refusals of content moderation on one UTC day ("2026-12-01"). */
export interface RefusalDay {
  day: string;
  refusals: number;
}

/** One create request refused by moderation: which field, which check and the categories it named. */
export interface Refusal {
  id: string;
  uid: string;
  email: string | null;
  field: "prompt" | "negativePrompt" | "imageKey";
  categories: string[];
  check: "blocklist" | "text" | "image";
  at: string;
}

/** GET /api/admin/moderation: 14 days of counts (oldest first) and a page of refusals (newest first). */
export interface AdminModeration extends Page<Refusal> {
  perDay: RefusalDay[];
}
