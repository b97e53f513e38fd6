import { useState, type KeyboardEvent } from "react";
import { Link } from "react-router-dom";
import { quickStart, WEBHOOK_PYTHON } from "./snippets";

/** The steps from a key to a downloaded video, in curl, Python and JavaScript, and a webhook receiver. */
export function QuickStart({ base }: { base: string }) {
  const snippets = quickStart(base);
  const [shown, setShown] = useState(snippets[0].id);

  // Arrow keys move between the tabs, as the ARIA tabs pattern has it.
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    const at = snippets.findIndex((snippet) => snippet.id === shown);
    const next = snippets[(at + step + snippets.length) % snippets.length].id;
    setShown(next);
    document.getElementById(`quickstart-tab-${next}`)?.focus();
  };

  return (
    <div className="panel quickstart" data-testid="quickstart">
      <h2>Quick start</h2>
      <ol className="steps">
        <li>Create an API key on the <Link to="/account">Account page</Link>; its <code>cw_…</code> secret is shown once.</li>
        <li><code>POST /api/jobs</code> with <code>Authorization: Bearer cw_…</code> and a fresh <code>Idempotency-Key</code>.</li>
        <li>Poll the job's <code>urls.self</code> until its status is <code>done</code>, watching <code>progress</code> (0 to 1).</li>
        <li>Download the video from <code>downloadUrl</code>.</li>
      </ol>
      <div className="tabs" role="tablist" aria-label="Language">
        {snippets.map((snippet) => (
          <button key={snippet.id} type="button" role="tab" id={`quickstart-tab-${snippet.id}`}
            aria-selected={shown === snippet.id} aria-controls={`quickstart-panel-${snippet.id}`}
            tabIndex={shown === snippet.id ? 0 : -1} className={shown === snippet.id ? "tab active" : "tab"}
            onClick={() => setShown(snippet.id)} onKeyDown={onKeyDown}>
            {snippet.label}
          </button>
        ))}
      </div>
      {snippets.map((snippet) => (
        <div key={snippet.id} role="tabpanel" id={`quickstart-panel-${snippet.id}`}
          aria-labelledby={`quickstart-tab-${snippet.id}`} hidden={shown !== snippet.id}>
          <pre className="code"><code>{snippet.code}</code></pre>
        </div>
      ))}
      <p className="muted small">
        Creates are limited per minute: each answer's <code>RateLimit-Remaining</code> says how many are left and
        <code> RateLimit-Reset</code> when the count starts again; over the limit the answer is <code>429 rate_limited</code> with
        a <code>Retry-After</code> in seconds. Every failure is <code>{`{"error": {"code", "message", "field"?}}`}</code>.
      </p>

      <h3>Webhooks</h3>
      <p>
        Instead of polling, pass <code>webhookUrl</code> (and optionally <code>webhookEvents</code>: <code>job.running</code>,
        {" "}<code>job.completed</code>, <code>job.failed</code>, <code>job.canceled</code>) when creating a job. Each event is
        POSTed there, signed with your webhook signing secret from the Account page
        (<a href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer">Standard Webhooks</a>).
        Verify it before trusting it, here with the <code>standardwebhooks</code> package:
      </p>
      <pre className="code" data-testid="webhook-example"><code>{WEBHOOK_PYTHON}</code></pre>
    </div>
  );
}
