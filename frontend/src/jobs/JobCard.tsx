import { Link } from "react-router-dom";
import type { Job } from "../api/types";
import { ProgressBar } from "../components/ProgressBar";
import { StatusChip } from "../components/StatusChip";
import { dateTime, isPortrait } from "../format";
import { isUnfinished } from "./liveJob";

export function JobCard({ job }: { job: Job }) {
  return (
    <li className="job-card" data-testid="job-card" data-job-id={job.jobId}>
      <Link to={`/jobs/${job.jobId}`} className="job-card-link">
        <div className={`thumb ${isPortrait(job.aspectRatio) ? "portrait" : ""}`}>
          {job.posterUrl ? <img src={job.posterUrl} alt="" loading="lazy" /> : <div className="thumb-placeholder" />}
          <span className="thumb-duration">{job.durationSec} s</span>
        </div>
        <div className="job-card-body">
          <StatusChip status={job.status} />
          <p className="job-card-prompt">{job.prompt}</p>
          {isUnfinished(job.status) && <ProgressBar value={job.progress} label="Render progress" />}
          <p className="muted small">{dateTime(job.createdAt)}</p>
        </div>
      </Link>
    </li>
  );
}
