import type { JobStatus } from "../api/types";
import { STATUS_LABELS } from "../format";

/** A job-status filter; "" means every status. */
export function StatusSelect({ label, value, onChange }: {
  label: string; value: JobStatus | ""; onChange: (status: JobStatus | "") => void;
}) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as JobStatus | "")}>
      <option value="">All statuses</option>
      {Object.entries(STATUS_LABELS).map(([status, text]) => <option key={status} value={status}>{text}</option>)}
    </select>
  );
}
