import { money, plural } from "../format";
import { JobsChart } from "./JobsChart";
import type { AdminOverview, RecentJobStats } from "./types";

export function Overview({ data }: { data: AdminOverview }) {
  const statuses = Object.entries(data.jobsByStatus);
  return (
    <>
      <div className="stats-row">
        <Stat label="Users" value={String(data.users)} />
        <Stat label="Failure ratio" value={percent(data.failureRatio)} />
        <Stat label="Credits burned" value={String(data.creditsBurned)} />
        <Stat label="GPU time" value={`${data.gpuSeconds.toFixed(0)} s`} note={`≈ $${data.gpuCostUsd.toFixed(2)}`} />
      </div>
      <LastDay stats={data.last24h} />
      <div className="panel">
        <h2>Jobs by status</h2>
        <ul className="status-totals" data-testid="jobs-by-status">
          {statuses.map(([status, count]) => (
            <li key={status} data-status={status}><span className={`chip chip-${status}`}>{status}</span> {count}</li>
          ))}
        </ul>
        <JobsChart days={data.jobsPerDay} />
      </div>
      <div className="panel">
        <h2>Revenue and GPU cost by plan</h2>
        <div className="table-wrap">
          <table className="table" data-testid="revenue">
            <thead><tr><th>Plan</th><th className="num">Subscribers</th><th className="num">Revenue</th><th className="num">GPU time</th><th className="num">GPU cost</th><th className="num">Margin</th></tr></thead>
            <tbody>
              {data.revenue.map((row) => (
                <tr key={row.planId}>
                  <td>{row.name}</td>
                  <td className="num">{row.planId === "topup" ? "—" : row.subscribers}</td>
                  <td className="num">{money(row.revenueMinor, row.currency)}</td>
                  <td className="num">{row.gpuSeconds.toFixed(0)} s</td>
                  <td className="num">{money(row.gpuCostMinor, row.currency)}</td>
                  <td className="num">{money(row.revenueMinor - row.gpuCostMinor, row.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}

const seconds = (value: number | null) => (value === null ? "—" : `${value.toFixed(1)} s`);
const percent = (ratio: number | null) => (ratio === null ? "—" : `${(ratio * 100).toFixed(1)}%`);

/** The jobs created in the last 24 hours: how many succeeded, how long renders and queue waits took. */
function LastDay({ stats }: { stats: RecentJobStats }) {
  const rate = percent(stats.successRate);
  return (
    <div className="panel" data-testid="last-24h">
      <h2>Last 24 hours</h2>
      <p className="muted small">
        {stats.capped ? `The newest ${plural(stats.jobs, "job")} created` : `${plural(stats.jobs, "job")} created`}
        {`, ${stats.finished} finished (canceled ones aside).`}
      </p>
      <div className="stats-row">
        <Stat label="Success rate" value={rate} note="done or expired, of finished" />
        <Stat label="Render time p50" value={seconds(stats.renderSecP50)} note={`p95 ${seconds(stats.renderSecP95)}`} />
        <Stat label="Queue wait p50" value={seconds(stats.queueWaitSecP50)} note={`p95 ${seconds(stats.queueWaitSecP95)}`} />
        <Stat label="Retries" value={String(stats.retries)} note="lost renders run again" />
      </div>
    </div>
  );
}

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="panel stat">
      <p className="stat-label">{label}</p>
      <p className="stat-value">{value}</p>
      {note && <p className="muted small">{note}</p>}
    </div>
  );
}
