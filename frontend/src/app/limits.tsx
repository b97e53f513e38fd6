// The API's job limits (GET /api/plans → jobLimits) for the texts that quote them: how long videos are kept
// and what a credit buys. Read once for the signed-in part of the app; the create form and the account page
// read their own listing, since they act on it.
import { createContext, useCallback, useContext, type ReactNode } from "react";
import type { JobLimits } from "../api/types";
import { useAsync } from "../components/useAsync";
import { useApi } from "./services";

const JobLimitsContext = createContext<JobLimits | null>(null);

export function JobLimitsProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const listing = useAsync(useCallback(() => api.plans(), [api]));
  return <KnownJobLimits limits={listing.data?.jobLimits ?? null}>{children}</KnownJobLimits>;
}

/** Hands down limits that are already known (the provider above, and tests). */
export function KnownJobLimits({ limits, children }: { limits: JobLimits | null; children: ReactNode }) {
  return <JobLimitsContext.Provider value={limits}>{children}</JobLimitsContext.Provider>;
}

/** The limits, or null while they load or when they can't be read (texts then leave the numbers out). */
export function useJobLimits(): JobLimits | null {
  return useContext(JobLimitsContext);
}
