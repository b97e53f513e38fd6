// Merging a live Firestore job document into the API's job view. The document is what the functions
// wrote; the view adds what only the API knows (signed video URLs, queue position).
import type { Job, JobError, JobStatus } from "../api/types";
import { UNFINISHED } from "../api/types";
import { timestampIso, type TimestampLike } from "../firebase";

export interface JobDocument {
  status?: JobStatus;
  stage?: string | null;
  progress?: number;
  attempt?: number;
  etaSec?: number | null;
  error?: JobError | null;
  refunded?: boolean;
  credits?: number;
  startedAt?: TimestampLike | null;
  finishedAt?: TimestampLike | null;
  expiresAt?: TimestampLike | null;
}

function iso(value: TimestampLike | null | undefined, fallback: string | null): string | null {
  return value === undefined ? fallback : timestampIso(value);
}

export function mergeLiveDocument(view: Job, doc: JobDocument): Job {
  const merged: Job = {
    ...view,
    status: doc.status ?? view.status,
    stage: doc.stage !== undefined ? doc.stage : view.stage,
    progress: doc.progress ?? view.progress,
    attempt: doc.attempt ?? view.attempt,
    startedAt: iso(doc.startedAt, view.startedAt),
    finishedAt: iso(doc.finishedAt, view.finishedAt),
    expiresAt: iso(doc.expiresAt, view.expiresAt),
  };
  if (doc.etaSec === null) delete merged.etaSec;
  else if (doc.etaSec !== undefined) merged.etaSec = doc.etaSec;
  if (doc.error) merged.error = doc.error;
  if (doc.refunded !== undefined && doc.credits !== undefined) {
    merged.creditsUsed = doc.refunded ? 0 : doc.credits;
    merged.creditsRefunded = doc.refunded ? doc.credits : 0;
  }
  if (merged.status !== "queued") delete merged.queuePosition;
  return merged;
}

/** The API view must be fetched again: the status moved, and with it the URLs and charges the API adds. */
export function needsApiView(view: Job, doc: JobDocument): boolean {
  return doc.status !== undefined && doc.status !== view.status;
}

export function isUnfinished(status: JobStatus): boolean {
  return UNFINISHED.includes(status);
}
