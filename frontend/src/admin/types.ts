// The admin console's answers, from the generated OpenAPI types (src/api/schema.d.ts); the closed sets the
// document leaves as plain strings are narrowed here.
import type { components } from "../api/schema";
import type { JobStatus, Page } from "../api/types";

type Schemas = components["schemas"];

export type DayCount = Schemas["DayCount"];
export type PlanEconomics = Schemas["RevenueRow"];
export type AdminOverview = Omit<Schemas["AdminOverview"], "jobsByStatus"> & { jobsByStatus: Record<JobStatus, number> };
export type AdminUser = Schemas["AdminUser"];
/** GET /api/admin/overview → last24h: the jobs created in the last 24 hours (the newest, when `capped`). */
export type RecentJobStats = Schemas["RecentJobStats"];

export interface AdminJobsQuery {
  status?: JobStatus | "";
  userId?: string;
}

/** Refusals of content moderation on one UTC day ("2026-12-01"). */
export type RefusalDay = Schemas["ModerationDay"];

/** One create request refused by moderation: which field, which check and the categories it named. */
export type Refusal = Omit<Schemas["ModerationRefusal"], "field" | "check"> & {
  field: "prompt" | "negativePrompt" | "imageKey";
  check: "blocklist" | "text" | "image";
};

/** GET /api/admin/moderation: 14 days of counts (oldest first) and a page of refusals (newest first). */
export interface AdminModeration extends Page<Refusal> {
  perDay: RefusalDay[];
}
