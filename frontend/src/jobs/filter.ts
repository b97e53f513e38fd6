import type { Job, JobStatus } from "../api/types";

/** Case-insensitive prompt search plus a status filter ("" = all). */
export function filterJobs(jobs: Job[], query: string, status: JobStatus | ""): Job[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return jobs.filter((job) => {
    if (status && job.status !== status) return false;
    const prompt = job.prompt.toLowerCase();
    return words.every((word) => prompt.includes(word));
  });
}
