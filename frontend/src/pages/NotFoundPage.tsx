import { Link } from "react-router-dom";

export function NotFoundPage() {
  return (
    <section className="panel center-panel">
      <h1>Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <Link className="button" to="/">Back to the dashboard</Link>
    </section>
  );
}
