import { useCallback, useEffect, useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { secondsPerCredit } from "../api/limits";
import type { Job, JobStatus } from "../api/types";
import { useCredits } from "../app/credits";
import { useJobLimits } from "../app/limits";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { Spinner } from "../components/Spinner";
import { StatusSelect } from "../components/StatusSelect";
import { usePaged } from "../components/usePaged";
import { credits, date, planName, plural } from "../format";
import { JobCard } from "../jobs/JobCard";
import { filterJobs } from "../jobs/filter";
import { isUnfinished } from "../jobs/liveJob";

const REFRESH_MS = 4000;
const jobKey = (job: Job) => job.jobId;

export function DashboardPage() {
  const api = useApi();
  const { balance, error: balanceError, refresh: refreshCredits } = useCredits();
  const fetchPage = useCallback((cursor: string | null) => api.jobs(24, cursor), [api]);
  const jobs = usePaged(fetchPage, jobKey);
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState<JobStatus | "">("");
  const shown = useMemo(() => filterJobs(jobs.items, query, status), [jobs.items, query, status]);
  const limits = useJobLimits();
  const perCredit = limits && secondsPerCredit(limits);

  // While something renders, keep the cards (and the reserved credits) moving.
  const anyUnfinished = jobs.items.some((job) => isUnfinished(job.status));
  const { refresh } = jobs;
  useEffect(() => {
    if (!anyUnfinished) return;
    const timer = window.setInterval(() => {
      void refresh();
      void refreshCredits();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [anyUnfinished, refresh, refreshCredits]);

  return (
    <section className="dashboard">
      <div className="stats-row">
        <div className="panel stat" data-testid="balance">
          <p className="stat-label">Credits left</p>
          <p className="stat-value">{balance ? balance.credits : "—"}</p>
          <p className="muted small">{balance && balance.reserved > 0 ? `${credits(balance.reserved)} reserved for renders in progress` : perCredit ? `1 credit = ${plural(perCredit, "second")} of video` : ""}</p>
        </div>
        <div className="panel stat">
          <p className="stat-label">Plan</p>
          <p className="stat-value">{planName(balance?.plan)}</p>
          <p className="muted small">
            {balance?.renewsAt ? `Renews ${date(balance.renewsAt)}` : <Link to="/account">Choose a plan or top up</Link>}
          </p>
        </div>
        <div className="panel stat cta">
          <p className="stat-label">Make something</p>
          <Link to="/create" className="button primary">New video</Link>
        </div>
      </div>
      <Notice>{balanceError}</Notice>

      <div className="section-head">
        <h2>Recent renders</h2>
        <div className="filters">
          <input type="search" placeholder="Search prompts" aria-label="Search prompts" value={query}
            onChange={(e) => setQuery(e.target.value)} />
          <StatusSelect label="Filter by status" value={status} onChange={setStatus} />
        </div>
      </div>
      <Notice>{jobs.error}</Notice>
      {jobs.loading && jobs.items.length === 0 ? (
        <Spinner label="Loading your renders" />
      ) : jobs.items.length === 0 ? (
        <div className="panel empty">
          <p>No videos yet. Describe a scene and CineWeave renders it.</p>
          <Link to="/create" className="button primary">Make your first video</Link>
        </div>
      ) : shown.length === 0 ? (
        <p className="muted">No renders match these filters.</p>
      ) : (
        <ul className="job-grid">
          {shown.map((job) => <JobCard key={job.jobId} job={job} />)}
        </ul>
      )}
      {jobs.hasMore && (
        <button type="button" className="button ghost" onClick={() => void jobs.loadMore()} disabled={jobs.loading}>
          Load more
        </button>
      )}
    </section>
  );
}
