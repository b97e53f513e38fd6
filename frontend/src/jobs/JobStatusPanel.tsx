import type { Job } from "../api/types";
import { useJobLimits } from "../app/limits";
import { ProgressBar } from "../components/ProgressBar";
import { Notice } from "../components/Notice";
import { credits, duration, plural, stageLabel } from "../format";

const RETRYING = "retrying"; // back in the queue after the GPU backend lost the render

/** One sentence for screen readers: it changes with the status or the stage, never with the progress. */
export function statusAnnouncement(job: Job): string {
  switch (job.status) {
    case "queued":
      return job.stage === RETRYING ? "The GPU lost the render; it is queued to run again." : "Queued.";
    case "dispatched":
    case "running":
      return `${stageLabel(job.stage) || "Starting"}.`;
    case "done":
      return "Done: your video is ready.";
    case "failed":
      return job.creditsRefunded > 0 ? `The render failed; ${credits(job.creditsRefunded)} refunded.` : "The render failed.";
    case "canceled":
      return "Canceled.";
    case "expired":
      return "This video expired and was deleted.";
  }
}

/** What is happening to the job right now, in words and a bar, and a polite live region that announces
 * each move. The region stays mounted across statuses: a screen reader announces a change to a live
 * region it already knows, not one that appears with its text. */
export function JobStatusPanel({ job }: { job: Job }) {
  return (
    <>
      <p className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="job-announcement">
        {statusAnnouncement(job)}
      </p>
      <StatusDetails job={job} />
    </>
  );
}

function StatusDetails({ job }: { job: Job }) {
  const limits = useJobLimits();
  switch (job.status) {
    case "queued":
      return (
        <div className="status-panel" data-testid="job-status">
          <p className="status-line">
            {job.stage === RETRYING ? "Retrying: the GPU lost this render, so it runs again at no extra charge" : "Queued"}
            {job.queuePosition !== undefined ? ` — position ${job.queuePosition} in the queue` : ""}.
          </p>
          <ProgressBar value={0} label="Render progress" />
        </div>
      );
    case "dispatched":
    case "running": {
      const percent = Math.round(job.progress * 100);
      return (
        <div className="status-panel" data-testid="job-status">
          <p className="status-line">
            {stageLabel(job.stage) || "Starting"} · {percent}%
            {job.etaSec != null && job.etaSec > 0 ? ` · about ${duration(job.etaSec)} left` : ""}
            {(job.attempt ?? 1) > 1 ? ` · attempt ${job.attempt}` : ""}
          </p>
          <ProgressBar value={job.progress} label="Render progress" />
        </div>
      );
    }
    case "failed":
      return (
        <div className="status-panel" data-testid="job-status">
          <Notice>
            <strong>The render failed:</strong> {job.error?.message ?? "the GPU worker stopped."}
            {job.creditsRefunded > 0 && <> {credits(job.creditsRefunded)} refunded.</>}
          </Notice>
          {job.error?.code && <p className="muted small">Error code: {job.error.code}</p>}
        </div>
      );
    case "canceled":
      return (
        <div className="status-panel" data-testid="job-status">
          <Notice kind="info">
            Canceled. {job.creditsRefunded > 0 ? `${credits(job.creditsRefunded)} refunded.` : ""}
          </Notice>
        </div>
      );
    case "expired":
      return (
        <div className="status-panel" data-testid="job-status">
          <Notice kind="info">
            This video expired and was deleted{limits ? `; videos are kept for ${plural(limits.videoTtlHours, "hour")}` : ""}.
          </Notice>
        </div>
      );
    case "done":
      return null;
  }
}
