// The whsec_ secret that signs this user's webhook deliveries: read only when the person asks to see it,
// and rotated on request (the API keeps signing with the old one as well for 24 hours).
import { useState } from "react";
import { Link } from "react-router-dom";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { SecretField } from "../components/SecretField";

export function WebhookSecret() {
  const api = useApi();
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState<"reveal" | "rotate" | null>(null);
  const [rotated, setRotated] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (what: "reveal" | "rotate") => {
    setBusy(what);
    setError(null);
    try {
      const answer = what === "reveal" ? await api.webhookSecret() : await api.rotateWebhookSecret();
      setSecret(answer.secret);
      setRotated(what === "rotate");
    } catch (exc) {
      setError((exc as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="panel" data-testid="webhook-secret">
      <h2>Webhook signing secret</h2>
      <p className="muted small">
        Jobs created with a <code>webhookUrl</code> send their events there, signed with this secret
        (Standard Webhooks). The <Link to="/docs">API reference</Link> shows how to verify them.
      </p>
      <Notice>{error}</Notice>
      {rotated && <Notice kind="success">A new secret now signs your webhooks. The old one keeps working for 24 hours, so there is time to switch over.</Notice>}
      <div className="secret-row">
        {secret ? <SecretField label="Webhook signing secret" value={secret} /> : (
          <>
            <span className="mono muted">whsec_••••••••••••</span>
            <button type="button" className="button small" disabled={busy !== null} onClick={() => void run("reveal")}>
              {busy === "reveal" ? "Loading…" : "Reveal"}
            </button>
          </>
        )}
        <button type="button" className="button small ghost" disabled={busy !== null} onClick={() => void run("rotate")}>
          {busy === "rotate" ? "Rotating…" : "Rotate"}
        </button>
      </div>
      <p className="muted small">Rotating makes a new secret; deliveries are signed with both for 24 hours, then with the new one only.</p>
    </div>
  );
}
