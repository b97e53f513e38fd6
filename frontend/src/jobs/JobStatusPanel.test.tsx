import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { KnownJobLimits } from "../app/limits";
import { job, LIMITS } from "../test/fakes";
import { JobStatusPanel } from "./JobStatusPanel";

describe("JobStatusPanel", () => {
  it("shows the queue position of a queued job with an empty bar", () => {
    render(<JobStatusPanel job={job({ status: "queued", queuePosition: 3 })} />);
    expect(screen.getByText("Queued — position 3 in the queue.")).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Render progress" })).toHaveAttribute("aria-valuenow", "0");
  });

  it("leaves the position out when the API did not give one", () => {
    render(<JobStatusPanel job={job({ status: "queued" })} />);
    expect(screen.getByTestId("job-status")).toHaveTextContent(/^Queued\.$/);
  });

  it("shows the stage, the percentage and the time left of a running job", () => {
    render(<JobStatusPanel job={job({ status: "running", stage: "denoising", progress: 0.42, etaSec: 75 })} />);
    expect(screen.getByText("Rendering frames · 42% · about 1 min 15 s left")).toBeInTheDocument();
    expect(screen.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "42");
  });

  it("says Starting for a dispatched job without a stage and hides a zero ETA", () => {
    render(<JobStatusPanel job={job({ status: "dispatched", stage: null, progress: 0, etaSec: 0 })} />);
    expect(screen.getByText("Starting · 0%")).toBeInTheDocument();
  });

  it("explains a failure, the refund and the error code", () => {
    render(<JobStatusPanel job={job({
      status: "failed", creditsRefunded: 2, error: { code: "worker_timeout", message: "The GPU worker timed out." },
    })} />);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The render failed: The GPU worker timed out. 2 credits refunded.");
    expect(screen.getByText("Error code: worker_timeout")).toBeInTheDocument();
  });

  it("has a default sentence for a failure without details and no refund line when nothing was refunded", () => {
    render(<JobStatusPanel job={job({ status: "failed", creditsRefunded: 0 })} />);
    expect(screen.getByRole("alert")).toHaveTextContent(/^The render failed: the GPU worker stopped\.$/);
    expect(screen.queryByText(/Error code/)).not.toBeInTheDocument();
  });

  it("says a canceled job was refunded", () => {
    render(<JobStatusPanel job={job({ status: "canceled", creditsRefunded: 1 })} />);
    expect(screen.getByTestId("job-status")).toHaveTextContent("Canceled. 1 credit refunded.");
  });

  it("says an expired video was deleted and how long videos are kept, from the job limits", () => {
    render(<KnownJobLimits limits={{ ...LIMITS, videoTtlHours: 48 }}><JobStatusPanel job={job({ status: "expired" })} /></KnownJobLimits>);
    expect(screen.getByTestId("job-status")).toHaveTextContent(/^This video expired and was deleted; videos are kept for 48 hours\.$/);
  });

  it("leaves the hours out while the limits are unknown", () => {
    render(<JobStatusPanel job={job({ status: "expired" })} />);
    expect(screen.getByTestId("job-status")).toHaveTextContent(/^This video expired and was deleted\.$/);
  });

  it("shows no panel for a finished job (the player takes over), only the announcement", () => {
    const { container } = render(<JobStatusPanel job={job({ status: "done", progress: 1 })} />);
    expect(screen.queryByTestId("job-status")).not.toBeInTheDocument();
    expect(container).toHaveTextContent(/^Done: your video is ready\.$/);
  });

  it("says a retried render is back in the queue at no extra charge", () => {
    render(<JobStatusPanel job={job({ status: "queued", stage: "retrying", queuePosition: 1 })} />);
    expect(screen.getByTestId("job-status")).toHaveTextContent(
      /^Retrying: the GPU lost this render, so it runs again at no extra charge — position 1 in the queue\.$/,
    );
    expect(screen.getByTestId("job-announcement")).toHaveTextContent("The GPU lost the render; it is queued to run again.");
  });

  it("says which attempt a retried render is on, and nothing on the first", () => {
    const { rerender } = render(<JobStatusPanel job={job({ status: "running", stage: "denoising", progress: 0.5 })} />);
    expect(screen.getByTestId("job-status")).not.toHaveTextContent("attempt");
    rerender(<JobStatusPanel job={job({ status: "running", stage: "denoising", progress: 0.5, attempt: 2 })} />);
    expect(screen.getByTestId("job-status")).toHaveTextContent(/· attempt 2$/);
  });
});

describe("JobStatusPanel's live region", () => {
  const region = () => screen.getByTestId("job-announcement");

  it("is one polite status region that announces moves of status and stage, not progress", () => {
    const { rerender } = render(<JobStatusPanel job={job({ status: "queued", queuePosition: 2 })} />);
    const first = region();
    expect(first).toHaveAttribute("role", "status");
    expect(first).toHaveAttribute("aria-live", "polite");
    expect(first).toHaveTextContent(/^Queued\.$/);
    rerender(<JobStatusPanel job={job({ status: "queued", queuePosition: 1 })} />);
    expect(first).toHaveTextContent(/^Queued\.$/); // a queue position is not announced

    // What a screen reader hears: the region's text after each change that touched it.
    const observer = new MutationObserver(() => {});
    observer.observe(first, { childList: true, characterData: true, subtree: true });
    const heard: string[] = [];
    const steps = [
      job({ status: "running", stage: "loading", progress: 0.05 }),
      job({ status: "running", stage: "denoising", progress: 0.2 }),
      job({ status: "running", stage: "denoising", progress: 0.4, etaSec: 30 }),
      job({ status: "running", stage: "denoising", progress: 0.6, etaSec: 20 }),
      job({ status: "done", stage: "done", progress: 1 }),
    ];
    for (const step of steps) {
      rerender(<JobStatusPanel job={step} />);
      expect(region()).toBe(first); // the same element throughout, so screen readers follow it
      if (observer.takeRecords().length > 0) heard.push(first.textContent ?? "");
    }
    observer.disconnect();
    expect(heard).toEqual(["Loading the model.", "Rendering frames.", "Done: your video is ready."]);
  });

  it("announces a failure with its refund, and a cancel", () => {
    const { rerender } = render(<JobStatusPanel job={job({ status: "running", stage: "denoising" })} />);
    rerender(<JobStatusPanel job={job({ status: "failed", creditsRefunded: 2 })} />);
    expect(region()).toHaveTextContent(/^The render failed; 2 credits refunded\.$/);
    rerender(<JobStatusPanel job={job({ status: "canceled", creditsRefunded: 1 })} />);
    expect(region()).toHaveTextContent(/^Canceled\.$/);
  });
});
