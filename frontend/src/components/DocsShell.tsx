import { Link, NavLink, Outlet } from "react-router-dom";
import { JobLimitsProvider } from "../app/limits";
import { useSession } from "../app/services";
import { Layout, Logo } from "./Layout";
import { Spinner } from "./Spinner";

/** /docs is public: signed in, it sits in the app's layout; signed out, under a bare header with a sign-in link. */
export function DocsShell() {
  const { ready, user } = useSession();
  if (!ready) return <Spinner label="Loading" />;
  if (user) return <JobLimitsProvider><Layout /></JobLimitsProvider>;
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/signin" className="brand" aria-label="CineWeave home"><Logo /></Link>
        <nav className="nav" aria-label="Main">
          <NavLink to="/docs">API</NavLink>
        </nav>
        <div className="topbar-right">
          <Link to="/signin" className="button small">Sign in</Link>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
