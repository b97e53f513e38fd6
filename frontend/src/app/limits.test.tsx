import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ApiClient } from "../api/client";
import { fakeApi, LIMITS, listing, signedIn } from "../test/fakes";
import { JobLimitsProvider, useJobLimits } from "./limits";
import { TestServicesProvider } from "./services";

function Probe() {
  const limits = useJobLimits();
  return <output data-testid="limits">{limits ? `${limits.videoTtlHours} h` : "none"}</output>;
}

function show(api: ReturnType<typeof fakeApi>) {
  render(
    <TestServicesProvider services={{ api: api as unknown as ApiClient }} session={signedIn()}>
      <JobLimitsProvider><Probe /></JobLimitsProvider>
    </TestServicesProvider>,
  );
}

describe("JobLimitsProvider", () => {
  it("hands down the limits from the plans listing", async () => {
    const api = fakeApi({ plans: () => Promise.resolve(listing({ jobLimits: { ...LIMITS, videoTtlHours: 48 } })) });
    show(api);
    expect(screen.getByTestId("limits")).toHaveTextContent("none");
    expect(await screen.findByText("48 h")).toBeInTheDocument();
    expect(api.plans).toHaveBeenCalledTimes(1);
  });

  it("hands down nothing when the listing can't be read", async () => {
    const api = fakeApi({ plans: () => Promise.reject(new Error("The server answered HTTP 502.")) });
    show(api);
    await Promise.resolve();
    expect(screen.getByTestId("limits")).toHaveTextContent("none");
    expect(api.plans).toHaveBeenCalledTimes(1);
  });
});
