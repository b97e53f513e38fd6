import { useCallback, useState } from "react";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { usePaged } from "../components/usePaged";
import { dateTime, plural } from "../format";
import { DayChart } from "./JobsChart";
import type { Refusal, RefusalDay } from "./types";

const FIELDS: Record<Refusal["field"], string> = {
  prompt: "Prompt", negativePrompt: "Negative prompt", imageKey: "Starting image",
};
const CHECKS: Record<Refusal["check"], string> = { blocklist: "Blocklist", text: "Text", image: "Image" };

/** Create requests refused by content moderation: a count per day and the refusals, newest first. */
export function ModerationPanel() {
  const api = useApi();
  const [perDay, setPerDay] = useState<RefusalDay[]>([]);
  const fetchPage = useCallback(async (cursor: string | null) => {
    const page = await api.adminModeration(cursor);
    setPerDay(page.perDay); // every page carries the counts; the latest answer's are the freshest
    return page;
  }, [api]);
  const refusals = usePaged(fetchPage, (refusal) => refusal.id);
  const days = perDay.map((d) => ({ date: d.day, total: d.refusals, failed: 0 }));
  const total = perDay.reduce((sum, d) => sum + d.refusals, 0);
  return (
    <div className="panel" data-testid="moderation">
      <h2>Content moderation</h2>
      <Notice>{refusals.error}</Notice>
      {days.length > 0 && (
        <DayChart days={days} label="Refusals per day"
          caption={`${plural(total, "refusal")} in the last ${days.length} days (UTC).`}
          describe={(day) => `${day.date}: ${plural(day.total, "refusal")}`} />
      )}
      <div className="table-wrap">
        <table className="table" data-testid="refusals">
          <thead><tr><th>Time</th><th>User</th><th>Field</th><th>Check</th><th>Categories</th></tr></thead>
          <tbody>
            {refusals.items.map((refusal) => (
              <tr key={refusal.id} data-testid="refusal-row">
                <td>{dateTime(refusal.at)}</td>
                <td>{refusal.email ?? <span className="mono small">{refusal.uid}</span>}</td>
                <td>{FIELDS[refusal.field] ?? refusal.field}</td>
                <td>{CHECKS[refusal.check] ?? refusal.check}</td>
                <td>{refusal.categories.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!refusals.loading && refusals.items.length === 0 && <p className="muted">No refusals yet.</p>}
      {refusals.hasMore && (
        <button type="button" className="button ghost" onClick={() => void refusals.loadMore()}>Load more</button>
      )}
    </div>
  );
}
