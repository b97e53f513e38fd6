import {
  createUserWithEmailAndPassword, GoogleAuthProvider, signInWithEmailAndPassword, signInWithPopup,
} from "firebase/auth";
import { useState, type FormEvent } from "react";
import { Navigate, useSearchParams } from "react-router-dom";
import { useServices, useSession } from "../app/services";
import { authMessage } from "../auth/messages";
import { Logo } from "../components/Layout";
import { Notice } from "../components/Notice";

type Mode = "signin" | "signup";

/** Only paths inside the app: a crafted ?next= must not send people elsewhere. */
function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/")) return "/";
  // Browsers read "/\host" and "/<tab>/host" as "//host": resolve it the way they do and keep only our own origin.
  const here = "https://app.invalid";
  return new URL(next, here).origin === here ? next : "/";
}

export function SignInPage() {
  const { firebase, config } = useServices();
  const { ready, user } = useSession();
  const [params] = useSearchParams();
  const [mode, setMode] = useState<Mode>("signin");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (ready && user) return <Navigate to={safeNext(params.get("next"))} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "signup") await createUserWithEmailAndPassword(firebase.auth, email.trim(), password);
      else await signInWithEmailAndPassword(firebase.auth, email.trim(), password);
    } catch (exc) {
      setError(authMessage(exc));
    } finally {
      setBusy(false);
    }
  };

  const google = async () => {
    setError(null);
    try {
      await signInWithPopup(firebase.auth, new GoogleAuthProvider());
    } catch (exc) {
      setError(authMessage(exc));
    }
  };

  const signingUp = mode === "signup";
  return (
    <div className="auth-page">
      <div className="auth-hero">
        <Logo />
        <h1 className="hero-title">Stories in motion, from one sentence.</h1>
        <p className="muted">Cinematic 720p clips from a prompt or an image. Pay in credits; every failed render is refunded.</p>
      </div>
      <form className="panel auth-card" onSubmit={(e) => void submit(e)} aria-label={signingUp ? "Sign up" : "Sign in"}>
        <h2>{signingUp ? "Create your account" : "Sign in"}</h2>
        <label className="field">
          <span>Email</span>
          <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input type="password" autoComplete={signingUp ? "new-password" : "current-password"} required
            minLength={signingUp ? 6 : undefined} value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <Notice>{error}</Notice>
        <button className="button primary wide" type="submit" disabled={busy}>
          {busy ? "One moment…" : signingUp ? "Create account" : "Sign in"}
        </button>
        {config.googleSignIn && (
          <button className="button ghost wide" type="button" onClick={() => void google()}>Continue with Google</button>
        )}
        <p className="muted small">
          {signingUp ? "Already have an account? " : "New to CineWeave? "}
          <button type="button" className="link-button" onClick={() => { setMode(signingUp ? "signin" : "signup"); setError(null); }}>
            {signingUp ? "Sign in" : "Create an account"}
          </button>
        </p>
      </form>
    </div>
  );
}
