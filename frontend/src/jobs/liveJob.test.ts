// @vitest-environment node
import { describe, expect, it } from "vitest";
import { job } from "../test/fakes";
import { isUnfinished, mergeLiveDocument, needsApiView } from "./liveJob";

const at = (iso: string) => ({ toDate: () => new Date(iso) });

describe("mergeLiveDocument", () => {
  it("takes status, stage, progress and ETA from the document and keeps the API's URLs", () => {
    const view = job({ status: "dispatched", stage: "starting", progress: 0, videoUrl: undefined, posterUrl: "https://x/p.jpg" });
    const merged = mergeLiveDocument(view, { status: "running", stage: "denoising", progress: 0.4, etaSec: 30 });
    expect(merged).toMatchObject({ status: "running", stage: "denoising", progress: 0.4, etaSec: 30, posterUrl: "https://x/p.jpg" });
    expect(merged.prompt).toBe(view.prompt);
  });

  it("takes the attempt from the document once a lost render is retried", () => {
    const view = job({ status: "running", attempt: 1 });
    expect(mergeLiveDocument(view, { status: "queued", stage: "retrying", attempt: 2 })).toMatchObject({ attempt: 2, stage: "retrying" });
    expect(mergeLiveDocument(view, {}).attempt).toBe(1);
  });

  it("keeps the view's values for fields the document does not carry", () => {
    const view = job({ status: "running", stage: "decoding", progress: 0.8, etaSec: 12, startedAt: "2025-03-01T10:01:00.000Z" });
    const merged = mergeLiveDocument(view, {});
    expect(merged).toMatchObject({ status: "running", stage: "decoding", progress: 0.8, etaSec: 12, startedAt: "2025-03-01T10:01:00.000Z" });
  });

  it("turns timestamps into ISO strings and a null timestamp into null", () => {
    const view = job({ status: "running", startedAt: "2025-03-01T10:01:00.000Z", expiresAt: "2025-03-02T10:00:00.000Z" });
    const merged = mergeLiveDocument(view, {
      status: "done", finishedAt: at("2025-03-01T10:03:00Z"), expiresAt: null,
    });
    expect(merged.startedAt).toBe("2025-03-01T10:01:00.000Z");
    expect(merged.finishedAt).toBe("2025-03-01T10:03:00.000Z");
    expect(merged.expiresAt).toBeNull();
  });

  it("clears the stage and the ETA when the document clears them", () => {
    const merged = mergeLiveDocument(job({ status: "running", stage: "muxing", etaSec: 5 }), { stage: null, etaSec: null });
    expect(merged.stage).toBeNull();
    expect("etaSec" in merged).toBe(false);
  });

  it("shows a refund: nothing used, the credits refunded", () => {
    const merged = mergeLiveDocument(job({ status: "running", creditsUsed: 2, creditsRefunded: 0 }), {
      status: "failed", refunded: true, credits: 2, error: { code: "worker_failed", message: "The GPU worker crashed." },
    });
    expect(merged).toMatchObject({ status: "failed", creditsUsed: 0, creditsRefunded: 2, error: { code: "worker_failed" } });
  });

  it("keeps the charge when the job was not refunded", () => {
    const merged = mergeLiveDocument(job({ creditsUsed: 0, creditsRefunded: 0 }), { refunded: false, credits: 3 });
    expect(merged).toMatchObject({ creditsUsed: 3, creditsRefunded: 0 });
  });

  it("drops the queue position once the job leaves the queue, and keeps it while queued", () => {
    const view = job({ status: "queued", queuePosition: 3 });
    expect(mergeLiveDocument(view, { progress: 0 }).queuePosition).toBe(3);
    expect("queuePosition" in mergeLiveDocument(view, { status: "dispatched" })).toBe(false);
  });

  it("does not change the view it was given", () => {
    const view = job({ status: "queued", queuePosition: 2, etaSec: 10 });
    mergeLiveDocument(view, { status: "running", etaSec: null });
    expect(view).toMatchObject({ status: "queued", queuePosition: 2, etaSec: 10 });
  });
});

describe("needsApiView", () => {
  it("asks for a fresh view only when the status moved", () => {
    const view = job({ status: "running" });
    expect(needsApiView(view, { status: "done" })).toBe(true);
    expect(needsApiView(view, { status: "running", progress: 0.5 })).toBe(false);
    expect(needsApiView(view, { progress: 0.5 })).toBe(false);
  });
});

describe("isUnfinished", () => {
  it("is true for queued, dispatched and running only", () => {
    expect(["queued", "dispatched", "running"].every((s) => isUnfinished(s as never))).toBe(true);
    expect(["done", "failed", "canceled", "expired"].some((s) => isUnfinished(s as never))).toBe(false);
  });
});
