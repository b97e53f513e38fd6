import { useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useCredits } from "../app/credits";
import { useJobLimits } from "../app/limits";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { Spinner } from "../components/Spinner";
import { StatusChip } from "../components/StatusChip";
import { credits, dateTime, isPortrait } from "../format";
import { ExpiryCountdown } from "../jobs/ExpiryCountdown";
import { JobStatusPanel } from "../jobs/JobStatusPanel";
import { isUnfinished } from "../jobs/liveJob";
import { useLiveJob } from "../jobs/useLiveJob";

export function JobPage() {
  const { jobId = "" } = useParams();
  const api = useApi();
  const { refresh: refreshCredits } = useCredits();
  const { job, error, mode, replace } = useLiveJob(jobId);
  const limits = useJobLimits();
  const [canceling, setCanceling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const status = job?.status;
  useEffect(() => {
    // Settled, refunded or released: the balance in the header moves with the job.
    if (status && !isUnfinished(status)) void refreshCredits();
  }, [status, refreshCredits]);

  if (!job) {
    return error ? <Notice>{error}</Notice> : <Spinner label="Loading the video" />;
  }

  const cancel = async () => {
    setCanceling(true);
    setCancelError(null);
    try {
      replace(await api.cancelJob(job.jobId));
      await refreshCredits();
    } catch (exc) {
      setCancelError((exc as Error).message);
    } finally {
      setCanceling(false);
    }
  };

  const unfinished = isUnfinished(job.status);
  // A job that names no aspect ratio is shown with the default one, the first the API lists.
  const aspectRatio = job.aspectRatio ?? limits?.aspectRatios[0];
  const portrait = isPortrait(aspectRatio);
  return (
    <section className="job-page">
      <div className="job-head">
        <div>
          <p className="eyebrow">
            <StatusChip status={job.status} />
            <span className="muted small">{mode === "live" ? "Live" : mode === "polling" ? "Updating every 2 s" : ""}</span>
          </p>
          <h1 className="job-prompt">{job.prompt}</h1>
          <p className="muted small">
            {job.durationSec} s · {aspectRatio ? `${aspectRatio} · ` : ""}seed {job.seed} · created {dateTime(job.createdAt)}
          </p>
        </div>
        <div className="job-actions">
          {unfinished && (
            <button className="button danger" type="button" onClick={() => void cancel()} disabled={canceling}>
              {canceling ? "Canceling…" : "Cancel"}
            </button>
          )}
          <Link className="button ghost" to={`/create?from=${encodeURIComponent(job.jobId)}`}>
            Generate again with this seed
          </Link>
        </div>
      </div>
      <Notice>{cancelError ?? (error && job ? `Couldn't refresh: ${error}` : null)}</Notice>
      <JobStatusPanel job={job} />

      {unfinished && (
        <div className={`player player-waiting ${portrait ? "portrait" : ""}`} aria-hidden="true">
          <span>Your video appears here when it is ready.</span>
        </div>
      )}
      {job.status === "done" && job.videoUrl && (
        <div className="player-block">
          <div className={`player ${portrait ? "portrait" : ""}`}>
            <video data-testid="video" src={job.videoUrl} poster={job.posterUrl ?? undefined} controls playsInline preload="metadata" />
          </div>
          <div className="player-bar">
            <a className="button primary" href={job.downloadUrl ?? job.videoUrl} download={`cineweave-${job.jobId}.mp4`}>
              Download MP4
            </a>
            {job.expiresAt && <ExpiryCountdown expiresAt={job.expiresAt} />}
            <span className="muted small">{credits(job.creditsUsed)} used</span>
          </div>
        </div>
      )}
      {!unfinished && job.status !== "done" && (
        <p><Link to="/create" className="button ghost">Start a new video</Link></p>
      )}
    </section>
  );
}
