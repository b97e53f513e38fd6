import type { Job } from "../api/types";
import { useJobLimits } from "../app/limits";
import { ProgressBar } from "../components/ProgressBar";
import { Notice } from "../components/Notice";
import { credits, duration, plural, stageLabel } from "../format";

/** What is happening to the job right now, in words and a bar. */
export function JobStatusPanel({ job }: { job: Job }) {
  const limits = useJobLimits();
  switch (job.status) {
    case "queued":
      return (
        <div className="status-panel" data-testid="job-status">
          <p className="status-line">
            Queued{job.queuePosition !== undefined ? ` — position ${job.queuePosition} in the queue` : ""}.
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
