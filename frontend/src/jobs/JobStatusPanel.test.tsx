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
    expect(screen.getByRole("status")).toHaveTextContent("Canceled. 1 credit refunded.");
  });

  it("says an expired video was deleted and how long videos are kept, from the job limits", () => {
    render(<KnownJobLimits limits={{ ...LIMITS, videoTtlHours: 48 }}><JobStatusPanel job={job({ status: "expired" })} /></KnownJobLimits>);
    expect(screen.getByRole("status")).toHaveTextContent(/^This video expired and was deleted; videos are kept for 48 hours\.$/);
  });

  it("leaves the hours out while the limits are unknown", () => {
    render(<JobStatusPanel job={job({ status: "expired" })} />);
    expect(screen.getByRole("status")).toHaveTextContent(/^This video expired and was deleted\.$/);
  });

  it("shows nothing for a finished job (the player takes over)", () => {
    const { container } = render(<JobStatusPanel job={job({ status: "done", progress: 1 })} />);
    expect(container).toBeEmptyDOMElement();
  });
});
