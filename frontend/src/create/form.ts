// The create form's state, its checks and the request it becomes; kept apart from the page so that it
// is tested without a browser.
import { ApiError } from "../api/client";
import type { CreateJobBody, Job, JobLimits } from "../api/types";
import { secondsPerCredit } from "../api/limits";

export interface CreateForm {
  prompt: string;
  negativePrompt: string;
  durationSec: number;
  aspectRatio: string;
  seed: string;
  imageKey: string | null;
}

/** A fresh form: the first length and the first aspect ratio the API lists (its default). */
export function emptyForm(limits: JobLimits): CreateForm {
  return {
    prompt: "", negativePrompt: "", durationSec: limits.durations[0]?.durationSec ?? 0,
    aspectRatio: limits.aspectRatios[0] ?? "", seed: "", imageKey: null,
  };
}

/** "Generate again with this seed": everything but the starting image, which has expired with the job. */
export function formFromJob(job: Job, limits: JobLimits): CreateForm {
  return {
    prompt: job.prompt,
    negativePrompt: job.negativePrompt ?? "",
    durationSec: job.durationSec,
    aspectRatio: job.aspectRatio ?? emptyForm(limits).aspectRatio,
    seed: String(job.seed),
    imageKey: null,
  };
}

/** The listed price of a length; a length the limits don't list (an earlier job's) at the listed rate. */
export function costOf(durationSec: number, limits: JobLimits): number {
  const listed = limits.durations.find((d) => d.durationSec === durationSec);
  if (listed) return listed.credits;
  const perCredit = secondsPerCredit(limits);
  return perCredit ? Math.ceil(durationSec / perCredit) : 0;
}

/** The first thing wrong with the form, as a sentence, or null. */
export function formProblem(form: CreateForm, limits: JobLimits): string | null {
  const prompt = form.prompt.trim();
  if (!prompt) return "Describe the video you want in the prompt.";
  if (prompt.length > limits.promptMaxChars) {
    return `The prompt is ${prompt.length} characters; the limit is ${limits.promptMaxChars}.`;
  }
  if (form.negativePrompt.trim().length > limits.promptMaxChars) {
    return `The negative prompt is longer than ${limits.promptMaxChars} characters.`;
  }
  const seed = form.seed.trim();
  if (seed && !(/^\d+$/.test(seed) && Number(seed) <= limits.maxSeed)) {
    return `The seed must be a whole number from 0 to ${limits.maxSeed}.`;
  }
  return null;
}

export function requestBody(form: CreateForm): CreateJobBody {
  const body: CreateJobBody = {
    prompt: form.prompt.trim(), durationSec: form.durationSec, aspectRatio: form.aspectRatio,
  };
  if (form.negativePrompt.trim()) body.negativePrompt = form.negativePrompt.trim();
  if (form.imageKey) body.imageKey = form.imageKey;
  if (form.seed.trim()) body.seed = Number(form.seed.trim());
  return body;
}

/** The fields an API refusal can name that the form shows it beside (others go above the button). */
export type FormField = "prompt" | "negativePrompt" | "imageKey";

const FORM_FIELDS: readonly string[] = ["prompt", "negativePrompt", "imageKey"] satisfies FormField[];

export interface FieldProblem {
  field: FormField;
  message: string;
  /** What moderation flagged, e.g. ["Violent"]; empty for other refusals. */
  categories: string[];
}

function isFormField(name: string | undefined): name is FormField {
  return name !== undefined && FORM_FIELDS.includes(name);
}

/** An API error about one of the form's fields, to show beside it; null for any other error. */
export function fieldProblem(error: unknown): FieldProblem | null {
  if (!(error instanceof ApiError) || !isFormField(error.field)) return null;
  return { field: error.field, message: error.message, categories: error.categories ?? [] };
}
