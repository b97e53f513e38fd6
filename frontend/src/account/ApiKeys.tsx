// The developer's API keys: create one (its secret is shown here once, never again), list them by prefix,
// revoke one after a confirmation. Keys are managed with the Firebase ID token only, never with a key.
import { useCallback, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import type { ApiKey, CreatedApiKey } from "../api/types";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { SecretField } from "../components/SecretField";
import { Spinner } from "../components/Spinner";
import { useAsync } from "../components/useAsync";
import { dateTime } from "../format";

const NAME_MAX_CHARS = 100; // CreateApiKeyRequest.name

export function ApiKeys() {
  const api = useApi();
  const keys = useAsync(useCallback(() => api.apiKeys(), [api]));
  const [name, setName] = useState("");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { reload } = keys;

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    setCreating(true);
    setError(null);
    try {
      setCreated(await api.createApiKey(name.trim()));
      setName("");
      await reload();
    } catch (exc) {
      setError((exc as Error).message);
    } finally {
      setCreating(false);
    }
  };

  const revoked = async (key: ApiKey) => {
    if (created?.id === key.id) setCreated(null);
    await reload();
  };

  return (
    <div className="panel" data-testid="api-keys">
      <h2>API keys</h2>
      <p className="muted small">
        A key lets your own code call the CineWeave API as you: send it as <code>Authorization: Bearer cw_…</code>.
        See the <Link to="/docs">API reference</Link> for examples.
      </p>
      <form className="inline-form" onSubmit={(event) => void create(event)}>
        <label className="field">
          <span>Key name</span>
          <input value={name} maxLength={NAME_MAX_CHARS} placeholder="e.g. Render server" required
            onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" className="button primary" disabled={creating || !name.trim()}>
          {creating ? "Creating…" : "Create key"}
        </button>
      </form>
      <Notice>{error}</Notice>
      {created && (
        <div className="notice notice-success new-key" data-testid="new-key">
          <p><strong>Your new key “{created.name}”</strong></p>
          <SecretField label="New API key" value={created.key} />
          <p className="small">Copy it now and keep it somewhere safe: you won't see it again. If it is lost, revoke it and create another.</p>
          <button type="button" className="button small ghost" onClick={() => setCreated(null)}>I've saved it</button>
        </div>
      )}
      <Notice>{keys.error}</Notice>
      {keys.data === null ? (keys.loading && <Spinner label="Loading your keys" />) : keys.data.length === 0 ? (
        <p className="muted">No API keys yet. Create one to call the API from your own code.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="api-key-list">
            <thead><tr><th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {keys.data.map((key) => <KeyRow key={key.id} apiKey={key} onRevoked={revoked} />)}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function KeyRow({ apiKey, onRevoked }: { apiKey: ApiKey; onRevoked: (key: ApiKey) => Promise<void> }) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteApiKey(apiKey.id);
      await onRevoked(apiKey);
    } catch (exc) {
      setError((exc as Error).message);
      setBusy(false);
    }
  };

  return (
    <tr data-key-id={apiKey.id}>
      <td>{apiKey.name}</td>
      <td className="mono">{apiKey.prefix}…</td>
      <td>{dateTime(apiKey.createdAt)}</td>
      <td>{apiKey.lastUsedAt ? dateTime(apiKey.lastUsedAt) : "Never"}</td>
      <td className="key-actions">
        {confirming ? (
          <div className="confirm" role="group" aria-label={`Revoke ${apiKey.name}`}>
            <span className="small">Code using this key stops working at once.</span>
            <button type="button" className="button small danger" disabled={busy} onClick={() => void revoke()}>
              {busy ? "Revoking…" : "Revoke key"}
            </button>
            <button type="button" className="button small ghost" disabled={busy} onClick={() => setConfirming(false)}>Keep</button>
          </div>
        ) : (
          <button type="button" className="button small ghost" aria-label={`Revoke ${apiKey.name}`}
            onClick={() => setConfirming(true)}>Revoke</button>
        )}
        {error && <p className="field-error" role="alert">{error}</p>}
      </td>
    </tr>
  );
}
