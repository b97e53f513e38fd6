// Reading the API's job limits (GET /api/plans → jobLimits); no React here, so the create form's checks
// can use it too.
import type { JobLimits } from "./types";

/** Seconds of video one credit buys, as the listed lengths price it; null when no length has a price. */
export function secondsPerCredit(limits: JobLimits): number | null {
  const priced = limits.durations.find((d) => d.credits > 0);
  return priced ? priced.durationSec / priced.credits : null;
}
