import type { JobStatus } from "../api/types";
import { STATUS_LABELS } from "../format";

export function StatusChip({ status }: { status: JobStatus }) {
  return (
    <span className={`chip chip-${status}`} data-status={status}>
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}
