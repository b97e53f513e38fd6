import { useCallback, useEffect } from "react";
import { JobsTable } from "../admin/JobsTable";
import { ModerationPanel } from "../admin/ModerationPanel";
import { Overview } from "../admin/Overview";
import { UsersTable } from "../admin/UsersTable";
import { useApi, useSession } from "../app/services";
import { Notice } from "../components/Notice";
import { Spinner } from "../components/Spinner";
import { useAsync } from "../components/useAsync";
import { ForbiddenPage } from "./ForbiddenPage";

export function AdminPage() {
  const { admin, user } = useSession();
  useEffect(() => {
    // A claim granted since sign-in arrives with a fresh ID token; fetch one once rather than asking
    // the person to sign out and in again. onIdTokenChanged then updates the session.
    if (user && !admin) void user.getIdToken(true).catch(() => {});
  }, [user, admin]);
  // The API refuses non-admins too; this only spares them a request that can't succeed.
  if (!admin) return <ForbiddenPage />;
  return <AdminConsole />;
}

function AdminConsole() {
  const api = useApi();
  const overview = useAsync(useCallback(() => api.adminOverview(), [api]));
  return (
    <section className="admin">
      <div className="section-head">
        <h1>Admin console</h1>
        <button type="button" className="button ghost small" onClick={() => void overview.reload()}>Refresh</button>
      </div>
      <Notice>{overview.error}</Notice>
      {overview.data ? <Overview data={overview.data} /> : !overview.error && <Spinner label="Loading totals" />}
      <UsersTable onChanged={() => void overview.reload()} />
      <JobsTable />
      <ModerationPanel />
    </section>
  );
}
