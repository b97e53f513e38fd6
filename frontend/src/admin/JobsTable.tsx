import { useCallback, useState } from "react";
import type { JobStatus } from "../api/types";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { StatusChip } from "../components/StatusChip";
import { StatusSelect } from "../components/StatusSelect";
import { usePaged } from "../components/usePaged";
import { dateTime } from "../format";

export function JobsTable() {
  const api = useApi();
  const [status, setStatus] = useState<JobStatus | "">("");
  const [userId, setUserId] = useState("");
  const [appliedUser, setAppliedUser] = useState("");
  const fetchPage = useCallback(
    (cursor: string | null) => api.adminJobs({ status, userId: appliedUser }, cursor),
    [api, status, appliedUser],
  );
  const jobs = usePaged(fetchPage);
  return (
    <div className="panel">
      <div className="section-head">
        <h2>Jobs</h2>
        <form className="filters" onSubmit={(e) => { e.preventDefault(); setAppliedUser(userId.trim()); }}>
          <StatusSelect label="Job status" value={status} onChange={setStatus} />
          <input aria-label="User id" placeholder="User id" value={userId} onChange={(e) => setUserId(e.target.value)} />
          <button className="button small" type="submit">Filter</button>
        </form>
      </div>
      <Notice>{jobs.error}</Notice>
      <div className="table-wrap">
        <table className="table" data-testid="admin-jobs">
          <thead><tr><th>Created</th><th>Status</th><th>Prompt</th><th className="num">Length</th><th>User</th><th>Error</th></tr></thead>
          <tbody>
            {jobs.items.map((job) => (
              <tr key={job.jobId}>
                <td>{dateTime(job.createdAt)}</td>
                <td><StatusChip status={job.status} /></td>
                <td className="clip-text" title={job.prompt}>{job.prompt}</td>
                <td className="num">{job.durationSec} s</td>
                <td><button type="button" className="link-button mono" onClick={() => { setUserId(job.userId ?? ""); setAppliedUser(job.userId ?? ""); }}>{job.userId?.slice(0, 10)}</button></td>
                <td className="small">{job.error?.code ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!jobs.loading && jobs.items.length === 0 && <p className="muted">No jobs match.</p>}
      {jobs.hasMore && <button type="button" className="button ghost" onClick={() => void jobs.loadMore()}>Load more</button>}
    </div>
  );
}
