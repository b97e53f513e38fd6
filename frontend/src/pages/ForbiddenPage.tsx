import { Link } from "react-router-dom";

export function ForbiddenPage() {
  return (
    <section className="panel center-panel" data-testid="forbidden">
      <p className="big-code">403</p>
      <h1>Admins only</h1>
      <p className="muted">Your account does not have access to the admin console.</p>
      <Link className="button" to="/">Back to the dashboard</Link>
    </section>
  );
}
