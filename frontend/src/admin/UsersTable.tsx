import { useCallback, useState, type FormEvent } from "react";
import { newIdempotencyKey } from "../api/client";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { usePaged } from "../components/usePaged";
import { date, planName } from "../format";
import type { AdminUser } from "./types";

export function UsersTable({ onChanged }: { onChanged: () => void }) {
  const api = useApi();
  const [email, setEmail] = useState("");
  const [appliedEmail, setAppliedEmail] = useState("");
  const fetchPage = useCallback((cursor: string | null) => api.adminUsers(cursor, appliedEmail), [api, appliedEmail]);
  const users = usePaged(fetchPage);
  return (
    <div className="panel">
      <div className="section-head">
        <h2>Users</h2>
        <form className="filters" role="search" onSubmit={(e) => { e.preventDefault(); setAppliedEmail(email.trim()); }}>
          <input type="search" aria-label="Find a user by email" placeholder="Exact email" value={email}
            onChange={(e) => setEmail(e.target.value)} />
          <button className="button small" type="submit">Find</button>
        </form>
      </div>
      <Notice>{users.error}</Notice>
      <div className="table-wrap">
        <table className="table" data-testid="admin-users">
          <thead><tr><th>User</th><th>Plan</th><th className="num">Credits</th><th className="num">Reserved</th><th className="num">Active</th><th>Joined</th><th>Adjust credits</th></tr></thead>
          <tbody>
            {users.items.map((user) => (
              <UserRow key={user.uid} user={user} onAdjusted={() => { void users.reload(); onChanged(); }} />
            ))}
          </tbody>
        </table>
      </div>
      {!users.loading && users.items.length === 0 && <p className="muted">No users match.</p>}
      {users.hasMore && <button type="button" className="button ghost" onClick={() => void users.loadMore()}>Load more</button>}
    </div>
  );
}

function UserRow({ user, onAdjusted }: { user: AdminUser; onAdjusted: () => void }) {
  const api = useApi();
  const [delta, setDelta] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const amount = /^[-+]?\d+$/.test(delta.trim()) ? Number(delta.trim()) : NaN;
    if (!Number.isSafeInteger(amount) || amount === 0) {
      setMessage({ kind: "error", text: "Enter a whole number of credits other than 0 (negative to take away)." });
      return;
    }
    if (reason.trim().length < 3) {
      setMessage({ kind: "error", text: "Give a reason of at least 3 characters; it is kept in the user's history." });
      return;
    }
    setBusy(true);
    try {
      const answer = await api.adjustCredits(user.uid, amount, reason.trim(), newIdempotencyKey());
      setMessage({ kind: "success", text: `Done: ${answer.credits} credits now.` });
      setDelta("");
      setReason("");
      onAdjusted();
    } catch (exc) {
      setMessage({ kind: "error", text: (exc as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const label = user.email ?? user.uid;
  return (
    <tr data-testid="admin-user-row" data-email={user.email ?? ""}>
      <td><span>{user.email ?? "—"}</span><br /><span className="muted small mono">{user.uid}</span></td>
      <td>{planName(user.plan)}</td>
      <td className="num" data-testid="user-credits">{user.credits}</td>
      <td className="num">{user.reserved}</td>
      <td className="num">{user.activeJobs}</td>
      <td>{date(user.createdAt)}</td>
      <td>
        <form className="adjust" onSubmit={(e) => void submit(e)}>
          <input aria-label={`Credits to add for ${label}`} inputMode="numeric" placeholder="+/−" value={delta} onChange={(e) => setDelta(e.target.value)} />
          <input aria-label={`Reason for ${label}`} placeholder="Reason (required)" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" className="button small" disabled={busy}>Apply</button>
        </form>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
      </td>
    </tr>
  );
}
