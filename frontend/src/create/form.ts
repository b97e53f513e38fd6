// The create form's state, its checks and the request it becomes; kept apart from the page so that it
// is tested without a browser.
import type { CreateJobBody, Job, JobLimits } from "../api/types";

export interface CreateForm {
  prompt: string;
  negativePrompt: string;
  durationSec: number;
  aspectRatio: "16:9" | "9:16";
  seed: string;
  imageKey: string | null;
}

export const EMPTY_FORM: CreateForm = {
  prompt: "", negativePrompt: "", durationSec: 5, aspectRatio: "16:9", seed: "", imageKey: null,
};

/** "Generate again with this seed": everything but the starting image, which has expired with the job. */
export function formFromJob(job: Job): CreateForm {
  return {
    prompt: job.prompt,
    negativePrompt: job.negativePrompt ?? "",
    durationSec: job.durationSec,
    aspectRatio: job.aspectRatio ?? "16:9",
    seed: String(job.seed),
    imageKey: null,
  };
}

export function costOf(durationSec: number, limits: JobLimits): number {
  return limits.durations.find((d) => d.durationSec === durationSec)?.credits ?? Math.ceil(durationSec / 5);
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
