// The quick start's code, for the server the page is served from. Each one creates a job with an API key and
// an Idempotency-Key, polls urls.self until the job is finished, and downloads the video.

export interface Snippet {
  id: string;
  label: string;
  code: string;
}

const PROMPT = `{"prompt": "A paper boat on a rainy street", "durationSec": 5, "aspectRatio": "16:9"}`;

function curl(base: string): string {
  return `# Create a key on the Account page and keep it in the environment, not in code.
export CINEWEAVE_KEY="cw_…"
BASE="${base}"

# Create a job. Retrying with the same Idempotency-Key answers the first job instead of making another.
curl -sS -X POST "$BASE/api/jobs" \\
  -H "Authorization: Bearer $CINEWEAVE_KEY" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: $(uuidgen)" \\
  -d '${PROMPT}' > job.json
JOB_URL=$(jq -r .urls.self job.json)

# Poll until the job is finished, showing its progress.
while :; do
  JOB=$(curl -sS "$JOB_URL" -H "Authorization: Bearer $CINEWEAVE_KEY")
  STATUS=$(echo "$JOB" | jq -r .status)
  echo "$STATUS $(echo "$JOB" | jq '.progress * 100 | floor')%"
  case "$STATUS" in done|failed|canceled|expired) break ;; esac
  sleep 5
done

# Download the video (the link is signed: no Authorization header).
[ "$STATUS" = done ] && curl -sS -L -o video.mp4 "$(echo "$JOB" | jq -r .downloadUrl)"`;
}

function python(base: string): string {
  return `# pip install requests
import os
import time
import uuid

import requests

BASE = "${base}"
session = requests.Session()
session.headers["Authorization"] = f"Bearer {os.environ['CINEWEAVE_KEY']}"  # cw_… from the Account page

answer = session.post(
    f"{BASE}/api/jobs",
    json=${PROMPT},
    # Send the same key again when retrying this request: the API answers the first job.
    headers={"Idempotency-Key": str(uuid.uuid4())},
    timeout=30,
)
answer.raise_for_status()
job_url = answer.json()["urls"]["self"]

while True:
    job = session.get(job_url, timeout=30).json()
    print(f"{job['status']} {job['progress']:.0%}")
    if job["status"] in ("done", "failed", "canceled", "expired"):
        break
    time.sleep(5)

if job["status"] == "done":
    # The download link is signed: it needs no Authorization header.
    with requests.get(job["downloadUrl"], stream=True, timeout=120) as video, open("video.mp4", "wb") as out:
        video.raise_for_status()
        for chunk in video.iter_content(chunk_size=1 << 20):
            out.write(chunk)
else:
    print(job.get("error"))`;
}

function javascript(base: string): string {
  return `// Node 18 or later, as an ES module (video.mjs). Keep API keys on servers, never in a web page.
import { writeFile } from "node:fs/promises";

const BASE = "${base}";
const auth = { Authorization: \`Bearer \${process.env.CINEWEAVE_KEY}\` }; // cw_… from the Account page

const created = await fetch(\`\${BASE}/api/jobs\`, {
  method: "POST",
  // Send the same Idempotency-Key again when retrying this request: the API answers the first job.
  headers: { ...auth, "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
  body: JSON.stringify(${PROMPT}),
});
if (!created.ok) throw new Error((await created.json()).error.message);
const { urls } = await created.json();

let job;
do {
  await new Promise((resolve) => setTimeout(resolve, 5000));
  job = await (await fetch(urls.self, { headers: auth })).json();
  console.log(\`\${job.status} \${Math.round(job.progress * 100)}%\`);
} while (!["done", "failed", "canceled", "expired"].includes(job.status));

if (job.status === "done") {
  // The download link is signed: it needs no Authorization header.
  const video = await fetch(job.downloadUrl);
  await writeFile("video.mp4", Buffer.from(await video.arrayBuffer()));
} else {
  console.error(job.error);
}`;
}

export function quickStart(base: string): Snippet[] {
  return [
    { id: "curl", label: "curl", code: curl(base) },
    { id: "python", label: "Python", code: python(base) },
    { id: "javascript", label: "JavaScript", code: javascript(base) },
  ];
}

/** A receiver that checks the Standard Webhooks signature before trusting an event. */
export const WEBHOOK_PYTHON = `# pip install standardwebhooks flask
import os

from flask import Flask, request
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

app = Flask(__name__)
webhook = Webhook(os.environ["CINEWEAVE_WEBHOOK_SECRET"])  # whsec_… from the Account page

@app.post("/hooks/cineweave")
def cineweave_event():
    try:
        # The body exactly as it arrived: parsed and re-encoded JSON would not match the signature.
        event = webhook.verify(request.get_data(), dict(request.headers))
    except WebhookVerificationError:
        return "", 400
    job = event["data"]  # the job, as GET urls.self shows it
    if event["type"] == "job.completed":
        print("ready:", job["jobId"], job["downloadUrl"])
    # webhook-id is the same on every retry of one event: use it to skip duplicates.
    return "", 204`;
