import { signOut } from "firebase/auth";
import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { useCredits } from "../app/credits";
import { useJobLimits } from "../app/limits";
import { useServices, useSession } from "../app/services";
import { credits, plural } from "../format";

export function Logo() {
  return (
    <span className="logo">
      <img src="/favicon.svg" alt="" width={28} height={28} />
      <span className="logo-text">CineWeave</span>
    </span>
  );
}

export function Layout() {
  const { firebase } = useServices();
  const { user, admin } = useSession();
  const { balance } = useCredits();
  const limits = useJobLimits();
  const navigate = useNavigate();

  const leave = async () => {
    await signOut(firebase.auth);
    void navigate("/signin");
  };

  return (
    <div className="shell">
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="CineWeave home">
          <Logo />
        </NavLink>
        <nav className="nav" aria-label="Main">
          <NavLink to="/" end>Dashboard</NavLink>
          <NavLink to="/create">Create</NavLink>
          <NavLink to="/account">Account</NavLink>
          <NavLink to="/docs">API</NavLink>
          {admin && <NavLink to="/admin">Admin</NavLink>}
        </nav>
        <div className="topbar-right">
          {balance && (
            <NavLink to="/account" className="credit-pill" data-testid="credit-pill">
              {credits(balance.credits)}
            </NavLink>
          )}
          <span className="user-email" title={user?.email ?? ""}>{user?.email}</span>
          <button type="button" className="button ghost small" onClick={() => void leave()}>Sign out</button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
      <footer className="footer">
        {limits && `Videos are kept for ${plural(limits.videoTtlHours, "hour")}. `}Every failed render is refunded.
      </footer>
    </div>
  );
}
