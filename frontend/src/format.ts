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
