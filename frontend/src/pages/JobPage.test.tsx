import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { Job } from "../api/types";
import type { FirebaseHandles, LiveDocuments } from "../firebase";
import type { JobDocument } from "../jobs/liveJob";
import { fakeApi, job, LIMITS, renderWithServices, type FakeApi } from "../test/fakes";
import { JobPage } from "./JobPage";

// The job document listener: each test pushes documents (or a listener error) by hand.
const live = {
  watched: "",
  next: null as null | ((data: Record<string, unknown> | null) => void),
  fail: null as null | ((error: Error) => void),
  unsubscribe: vi.fn(),
};
const liveDocuments: LiveDocuments = {
  watch: (collection, id, onData, onError) => {
    if (collection !== "jobs") return () => {}; // the balance's users/{uid} listener is not under test here
    live.watched = `${collection}/${id}`;
    live.next = onData;
    live.fail = onError;
    return live.unsubscribe;
  },
};
const firebase = { liveDocuments: () => Promise.resolve(liveDocuments) } as unknown as FirebaseHandles;

afterEach(() => {
  vi.useRealTimers();
  Object.assign(live, { watched: "", next: null, fail: null });
  live.unsubscribe.mockClear();
});

function open(api: FakeApi, jobId = "job-1", limits = LIMITS) {
  return renderWithServices(<JobPage />, { api, services: { firebase }, route: `/jobs/${jobId}`, path: "/jobs/:jobId", limits });
}

function push(data: JobDocument) {
  act(() => live.next!(data as Record<string, unknown>));
}

/** An API whose job view is whatever `state.view` is at the time of the call. */
function serverWith(view: Job) {
  const state = { view };
  const api = fakeApi({ job: () => Promise.resolve(state.view) });
  return { api, state };
}

describe("JobPage", () => {
  it("shows the job from the API and listens to its document", async () => {
    const { api } = serverWith(job({ jobId: "job-1", status: "queued", queuePosition: 2, seed: 99, durationSec: 10 }));
    open(api);
    expect(await screen.findByRole("heading", { name: "A paper boat on a rainy street" })).toBeInTheDocument();
    expect(api.job).toHaveBeenCalledWith("job-1");
    await vi.waitFor(() => expect(live.watched).toBe("jobs/job-1"));
    expect(screen.getByText("Queued", { selector: ".chip" })).toBeInTheDocument();
    expect(screen.getByText(/10 s · 16:9 · seed 99/)).toBeInTheDocument();
    expect(screen.getByText("Queued — position 2 in the queue.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Generate again with this seed" })).toHaveAttribute("href", "/create?from=job-1");
  });

  it("frames a portrait job as portrait", async () => {
    const { api } = serverWith(job({ status: "queued", aspectRatio: "9:16", durationSec: 5, seed: 7 }));
    const { container } = open(api);
    expect(await screen.findByText(/5 s · 9:16 · seed 7/)).toBeInTheDocument();
    expect(container.querySelector(".player-waiting")).toHaveClass("portrait");
  });

  it("shows a job that names no aspect ratio with the first one the limits list", async () => {
    const { api } = serverWith(job({ status: "queued", aspectRatio: null, durationSec: 5, seed: 7 }));
    const { container } = open(api, "job-1", { ...LIMITS, aspectRatios: ["9:16", "16:9"] });
    expect(await screen.findByText(/5 s · 9:16 · seed 7/)).toBeInTheDocument();
    expect(container.querySelector(".player-waiting")).toHaveClass("portrait");
  });

  it("moves with the live document and fetches the API view when the status changes", async () => {
    const { api, state } = serverWith(job({ status: "queued" }));
    open(api);
    expect(await screen.findByTestId("job-status")).toHaveTextContent(/^Queued( —|\.)/);
    state.view = job({ status: "running", stage: "denoising", progress: 0.3 });
    push({ status: "running", stage: "denoising", progress: 0.3, etaSec: 40 });
    expect(screen.getByText("Live")).toBeInTheDocument();
    expect(await screen.findByText(/Rendering frames · 30%/)).toBeInTheDocument();
    expect(screen.getByTestId("job-announcement")).toHaveTextContent(/^Rendering frames\.$/);
    await vi.waitFor(() => expect(api.job).toHaveBeenCalledTimes(2));

    push({ progress: 0.75, stage: "decoding" });
    expect(screen.getByText(/Decoding frames · 75%/)).toBeInTheDocument();
    expect(screen.getByTestId("job-announcement")).toHaveTextContent(/^Decoding frames\.$/);
    expect(api.job).toHaveBeenCalledTimes(2); // progress alone needs no new view
  });

  it("shows the player, the download and the expiry of a finished video", async () => {
    const expiresAt = new Date(Date.now() + 3 * 3600 * 1000).toISOString();
    const { api } = serverWith(job({
      status: "done", progress: 1, videoUrl: "https://cdn.test/v.mp4", downloadUrl: "https://cdn.test/v.mp4?dl=1",
      posterUrl: "https://cdn.test/p.jpg", expiresAt, creditsUsed: 2,
    }));
    open(api);
    const video = await screen.findByTestId("video");
    expect(video).toHaveAttribute("src", "https://cdn.test/v.mp4");
    expect(video).toHaveAttribute("poster", "https://cdn.test/p.jpg");
    const download = screen.getByRole("link", { name: "Download MP4" });
    expect(download).toHaveAttribute("href", "https://cdn.test/v.mp4?dl=1");
    expect(download).toHaveAttribute("download", "cineweave-job-1.mp4");
    expect(screen.getByTestId("expiry")).toHaveTextContent(/^Deleted in (2 h 59 min|3 h 0 min)$/);
    expect(screen.getByText("2 credits used")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
  });

  it("cancels an unfinished job, shows the refund and refreshes the balance", async () => {
    const { api } = serverWith(job({ status: "running", stage: "denoising", progress: 0.2 }));
    api.cancelJob.mockResolvedValue(job({ status: "canceled", creditsUsed: 0, creditsRefunded: 1 }));
    open(api);
    await userEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    expect(api.cancelJob).toHaveBeenCalledWith("job-1");
    expect(await screen.findByText("Canceled. 1 credit refunded.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Start a new video" })).toHaveAttribute("href", "/create");
    await vi.waitFor(() => expect(api.balance.mock.calls.length).toBeGreaterThan(1));
  });

  it("shows why a cancel was refused", async () => {
    const { api } = serverWith(job({ status: "running" }));
    api.cancelJob.mockRejectedValue(new ApiError(409, "conflict", "This video has already finished."));
    open(api);
    await userEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("This video has already finished.");
    expect(screen.getByRole("button", { name: "Cancel" })).toBeEnabled();
  });

  it("falls back to polling the API every 2 seconds when the live channel fails", async () => {
    vi.useFakeTimers();
    const { api, state } = serverWith(job({ status: "running", progress: 0.1, stage: "denoising" }));
    open(api);
    await act(async () => {});
    act(() => live.fail!(new Error("permission-denied")));
    expect(screen.getByText("Updating every 2 s")).toBeInTheDocument();
    state.view = job({ status: "running", progress: 0.6, stage: "denoising" });
    await act(async () => { await vi.advanceTimersByTimeAsync(2000); });
    expect(api.job).toHaveBeenCalledTimes(2);
    expect(screen.getByText(/Rendering frames · 60%/)).toBeInTheDocument();
  });

  it("asks the API every 3 s while the job is on the GPU, so its progress is pulled into the live document", async () => {
    vi.useFakeTimers();
    const { api } = serverWith(job({ status: "running", progress: 0.1, stage: "denoising" }));
    open(api);
    await act(async () => {});
    push({ status: "running", progress: 0.1, stage: "denoising" });
    expect(screen.getByText("Live")).toBeInTheDocument();
    const before = api.job.mock.calls.length;
    await act(async () => { await vi.advanceTimersByTimeAsync(3000); });
    expect(api.job.mock.calls.length).toBe(before + 1);
    await act(async () => { await vi.advanceTimersByTimeAsync(3000); });
    expect(api.job.mock.calls.length).toBe(before + 2);
  });

  it("polls when the live channel can't even be loaded", async () => {
    vi.useFakeTimers();
    const { api } = serverWith(job({ status: "running", progress: 0.1, stage: "denoising" }));
    const broken = { liveDocuments: () => Promise.reject(new Error("chunk failed to load")) } as unknown as FirebaseHandles;
    renderWithServices(<JobPage />, { api, services: { firebase: broken }, route: "/jobs/job-1", path: "/jobs/:jobId" });
    await act(async () => {});
    expect(screen.getByText("Updating every 2 s")).toBeInTheDocument();
    await act(async () => { await vi.advanceTimersByTimeAsync(4000); });
    expect(api.job).toHaveBeenCalledTimes(3);
  });

  it("refreshes the balance when the job finishes", async () => {
    const { api, state } = serverWith(job({ status: "running", stage: "denoising", progress: 0.9 }));
    open(api);
    await screen.findByText(/Rendering frames · 90%/);
    await vi.waitFor(() => expect(live.next).not.toBeNull());
    const before = api.balance.mock.calls.length;
    state.view = job({ status: "done", progress: 1, videoUrl: "https://cdn.test/v.mp4" });
    push({ status: "done", progress: 1 });
    expect(await screen.findByTestId("video")).toBeInTheDocument();
    await vi.waitFor(() => expect(api.balance.mock.calls.length).toBeGreaterThan(before));
  });

  it("does not poll a finished job", async () => {
    vi.useFakeTimers();
    const { api } = serverWith(job({ status: "failed", error: { code: "x", message: "Broke." } }));
    open(api);
    await act(async () => {});
    act(() => live.fail!(new Error("offline")));
    await act(async () => { await vi.advanceTimersByTimeAsync(10_000); });
    expect(api.job).toHaveBeenCalledTimes(1);
  });

  it("shows the API's sentence when the job can't be read", async () => {
    const api = fakeApi({ job: () => Promise.reject(new ApiError(404, "not_found", "There is no video with this id.")) });
    open(api, "nope");
    expect(await screen.findByRole("alert")).toHaveTextContent("There is no video with this id.");
  });

  it("stops listening when the page closes", async () => {
    const { api } = serverWith(job());
    const { unmount } = open(api);
    await screen.findByRole("heading", { name: "A paper boat on a rainy street" });
    await vi.waitFor(() => expect(live.next).not.toBeNull());
    unmount();
    expect(live.unsubscribe).toHaveBeenCalled();
  });
});
