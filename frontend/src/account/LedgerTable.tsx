import { useCallback, useEffect, useRef } from "react";
import { Link } from "react-router-dom";
import type { LedgerEntry } from "../api/types";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { usePaged } from "../components/usePaged";
import { dateTime } from "../format";

const KIND_TEXT: Record<LedgerEntry["kind"], { label: string; sign: string }> = {
  grant: { label: "Plan credits", sign: "+" },
  topup: { label: "Top-up", sign: "+" },
  adjust: { label: "Adjustment", sign: "" },
  reserve: { label: "Reserved for a render", sign: "−" },
  settle: { label: "Spent on a render", sign: "" },
  refund: { label: "Refunded", sign: "+" },
};

export function describeAmount(entry: LedgerEntry): string {
  if (entry.kind === "adjust") return entry.amount > 0 ? `+${entry.amount}` : `−${Math.abs(entry.amount)}`;
  if (entry.kind === "settle") return `${entry.amount} used`;
  return `${KIND_TEXT[entry.kind].sign}${entry.amount}`;
}

export function LedgerTable({ version }: { version: number }) {
  const api = useApi();
  const fetchPage = useCallback((cursor: string | null) => api.ledger(25, cursor), [api]);
  const ledger = usePaged(fetchPage);
  // `version` changes when the balance does, so the history follows: the first page is read again.
  const { reload } = ledger;
  const shownVersion = useRef(version);
  useEffect(() => {
    if (shownVersion.current === version) return;
    shownVersion.current = version;
    void reload();
  }, [version, reload]);
  return (
    <div className="panel">
      <h2>Credit history</h2>
      <Notice>{ledger.error}</Notice>
      {ledger.items.length === 0 && !ledger.loading ? (
        <p className="muted">No credit movements yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="ledger">
            <thead><tr><th>When</th><th>What</th><th className="num">Credits</th><th>Details</th></tr></thead>
            <tbody>
              {ledger.items.map((entry) => (
                <tr key={entry.id} data-kind={entry.kind}>
                  <td>{dateTime(entry.createdAt)}</td>
                  <td><span className={`chip chip-ledger-${entry.kind}`}>{KIND_TEXT[entry.kind]?.label ?? entry.kind}</span></td>
                  <td className="num">{describeAmount(entry)}</td>
                  <td>
                    {entry.jobId && <Link to={`/jobs/${entry.jobId}`}>View render</Link>}
                    {entry.reason && <span className="muted small"> {entry.reason}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {ledger.hasMore && (
        <button type="button" className="button ghost" onClick={() => void ledger.loadMore()}>Load more</button>
      )}
    </div>
  );
}
