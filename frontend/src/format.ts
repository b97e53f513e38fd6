// Words and numbers as people read them.
import type { JobStatus } from "./api/types";

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function credits(count: number): string {
  return plural(count, "credit");
}

/** 75 → "1 min 15 s"; 3600 → "1 h 0 min". */
export function duration(totalSec: number): string {
  const sec = Math.max(0, Math.round(totalSec));
  if (sec < 60) return `${sec} s`;
  const minutes = Math.floor(sec / 60);
  if (minutes < 60) return `${minutes} min ${sec % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function date(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });
}

export function money(minor: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(minor / 100);
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** ["PNG", "JPEG", "WebP"] → "PNG, JPEG or WebP". */
export function either(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

// Words for the aspect ratios the API offers; a ratio without one is shown as it is.
const ASPECT_RATIO_WORDS: Record<string, string> = { "16:9": "landscape", "9:16": "portrait" };

/** "16:9" → "16:9 landscape"; "4:3" → "4:3". */
export function aspectRatioLabel(ratio: string): string {
  return Object.hasOwn(ASPECT_RATIO_WORDS, ratio) ? `${ratio} ${ASPECT_RATIO_WORDS[ratio]}` : ratio;
}

/** Whether a "width:height" ratio is taller than wide ("9:16" is, "16:9" and "1:1" are not). */
export function isPortrait(ratio: string | null | undefined): boolean {
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(ratio ?? "");
  return match !== null && Number(match[2]) > Number(match[1]);
}

// Names for the image types the API accepts, in the order they are listed; other types go last, named by
// their subtype ("image/avif" → "AVIF").
const IMAGE_TYPE_NAMES: Record<string, string> = { "image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP" };

/** The API's upload content types in words: ["image/jpeg", "image/png", "image/webp"] → "PNG, JPEG or WebP". */
export function imageTypes(contentTypes: readonly string[]): string {
  const known = Object.keys(IMAGE_TYPE_NAMES).filter((type) => contentTypes.includes(type));
  const others = contentTypes.filter((type) => !Object.hasOwn(IMAGE_TYPE_NAMES, type));
  return either([
    ...known.map((type) => IMAGE_TYPE_NAMES[type]),
    ...others.map((type) => type.replace(/^image\//, "").toUpperCase()),
  ]);
}

export const STATUS_LABELS: Record<JobStatus, string> = {
  queued: "Queued",
  dispatched: "Starting",
  running: "Rendering",
  done: "Done",
  expired: "Expired",
  failed: "Failed",
  canceled: "Canceled",
};

const STAGE_LABELS: Record<string, string> = {
  queued: "Waiting in the queue",
  waiting_for_gpu: "Waiting for a GPU",
  starting: "Starting the GPU worker",
  loading: "Loading the model",
  encoding_prompt: "Reading the prompt",
  denoising: "Rendering frames",
  decoding: "Decoding frames",
  muxing: "Encoding the MP4",
  uploading: "Uploading the video",
};

export function stageLabel(stage: string | null | undefined): string {
  if (!stage) return "";
  return STAGE_LABELS[stage] ?? stage.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

export function planName(plan: string | null | undefined): string {
  if (!plan) return "No plan";
  return plan.charAt(0).toUpperCase() + plan.slice(1);
}
