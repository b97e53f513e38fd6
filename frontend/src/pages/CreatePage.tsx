import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { newIdempotencyKey } from "../api/client";
import type { JobLimits } from "../api/types";
import { useCredits } from "../app/credits";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { Spinner } from "../components/Spinner";
import { useAsync } from "../components/useAsync";
import { FieldError } from "../create/FieldError";
import { ImagePicker } from "../create/ImagePicker";
import {
  costOf, emptyForm, fieldProblem, formFromJob, formProblem, requestBody, type CreateForm, type FieldProblem, type FormField,
} from "../create/form";
import { aspectRatioLabel, credits } from "../format";

export function CreatePage() {
  const api = useApi();
  const listing = useAsync(useCallback(() => api.plans(), [api]));
  const limits = listing.data?.jobLimits;
  if (listing.error) return <Notice>{listing.error}</Notice>;
  if (!limits) return <Spinner label="Loading" />;
  return <CreateVideoForm limits={limits} />;
}

function CreateVideoForm({ limits }: { limits: JobLimits }) {
  const api = useApi();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { balance, refresh: refreshCredits } = useCredits();
  const [form, setForm] = useState<CreateForm>(() => emptyForm(limits));
  const [showNegative, setShowNegative] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<FieldProblem | null>(null);
  const errorIds = useId();
  // One key per intended job: a retry after a lost answer must not charge twice.
  const idempotencyKey = useRef(newIdempotencyKey());

  const from = params.get("from");
  useEffect(() => {
    if (!from) return;
    api.job(from).then((job) => {
      setForm(formFromJob(job, limits));
      setShowNegative(Boolean(job.negativePrompt));
    }).catch((exc: Error) => setError(`Couldn't load the earlier video: ${exc.message}`));
  }, [api, from, limits]);

  const update = (changes: Partial<CreateForm>) => {
    idempotencyKey.current = newIdempotencyKey();
    setForm((old) => ({ ...old, ...changes }));
    // Editing the field a refusal named takes the refusal away; it was about the old value.
    setRefused((old) => (old && old.field in changes ? null : old));
  };

  const problemOf = (field: FormField) => (refused?.field === field ? refused : null);
  const errorId = (field: FormField) => `${errorIds}-${field}-error`;
  /** The attributes that tie an input to the refusal shown beside it. */
  const describedBy = (field: FormField) =>
    problemOf(field) ? { "aria-invalid": true, "aria-describedby": errorId(field) } : {};

  const cost = costOf(form.durationSec, limits);
  const short = balance !== null && balance.credits < cost;
  const problem = formProblem(form, limits);
  const promptLength = form.prompt.trim().length; // the server trims too

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem) {
      setError(problem);
      return;
    }
    setSubmitting(true);
    setError(null);
    setRefused(null);
    try {
      const created = await api.createJob(requestBody(form), idempotencyKey.current);
      await refreshCredits();
      void navigate(`/jobs/${created.jobId}`);
    } catch (exc) {
      const refusal = fieldProblem(exc);
      if (refusal) {
        setRefused(refusal);
        if (refusal.field === "negativePrompt") setShowNegative(true); // it may be folded away
      } else {
        setError((exc as Error).message);
      }
      void refreshCredits();
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form className="panel create-form" onSubmit={(e) => void submit(e)} aria-label="New video">
      <h1>New video</h1>
      <label className="field">
        <span className="field-head">
          <span>Prompt</span>
          <span className={`counter ${promptLength > limits.promptMaxChars ? "over" : ""}`} data-testid="prompt-counter">
            {promptLength} / {limits.promptMaxChars}
          </span>
        </span>
        <textarea rows={4} aria-label="Prompt" value={form.prompt} placeholder="A paper boat drifting down a rain-soaked street at dusk, neon reflections, slow dolly shot"
          onChange={(e) => update({ prompt: e.target.value })} {...describedBy("prompt")} />
        <FieldError id={errorId("prompt")} problem={problemOf("prompt")} />
      </label>

      <details className="negative" open={showNegative} onToggle={(e) => setShowNegative((e.target as HTMLDetailsElement).open)}>
        <summary>Negative prompt</summary>
        <label className="field">
          <span className="muted small">What to keep out of the video</span>
          <textarea rows={2} aria-label="Negative prompt" value={form.negativePrompt}
            onChange={(e) => update({ negativePrompt: e.target.value })} {...describedBy("negativePrompt")} />
          <FieldError id={errorId("negativePrompt")} problem={problemOf("negativePrompt")} />
        </label>
      </details>

      <div className="field">
        <span>Starting image (optional)</span>
        <ImagePicker limits={limits.upload} imageKey={form.imageKey} onBusy={setUploading}
          onChange={(imageKey) => update({ imageKey })} describedBy={problemOf("imageKey") ? errorId("imageKey") : undefined} />
        <FieldError id={errorId("imageKey")} problem={problemOf("imageKey")} />
      </div>

      <div className="field-row">
        <fieldset className="field">
          <legend>Aspect ratio</legend>
          <div className="segmented">
            {limits.aspectRatios.map((ratio) => (
              <label key={ratio} className={form.aspectRatio === ratio ? "selected" : ""}>
                <input type="radio" name="aspect" value={ratio} checked={form.aspectRatio === ratio}
                  onChange={() => update({ aspectRatio: ratio })} />
                {aspectRatioLabel(ratio)}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="field">
          <legend>Length</legend>
          <div className="segmented">
            {limits.durations.map((d) => (
              <label key={d.durationSec} className={form.durationSec === d.durationSec ? "selected" : ""}>
                <input type="radio" name="duration" value={d.durationSec} checked={form.durationSec === d.durationSec}
                  onChange={() => update({ durationSec: d.durationSec })} />
                {d.durationSec} s · {credits(d.credits)}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field seed">
          <span>Seed (optional)</span>
          <input inputMode="numeric" placeholder="random" value={form.seed} onChange={(e) => update({ seed: e.target.value })} />
        </label>
      </div>

      <Notice>{error}</Notice>
      {short && (
        <Notice kind="info">
          This video costs {credits(cost)} and you have {credits(balance.credits)}.{" "}
          <Link to="/account">Buy more credits</Link>
        </Notice>
      )}
      <div className="form-foot">
        <button className="button primary" type="submit" disabled={short || uploading || submitting || balance === null}>
          {submitting ? "Starting…" : uploading ? "Uploading image…" : `Generate · ${credits(cost)}`}
        </button>
        <span className="muted small">720p · 24 fps · failed renders are refunded</span>
      </div>
    </form>
  );
}
