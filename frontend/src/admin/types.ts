import type { JobStatus } from "../api/types";

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
