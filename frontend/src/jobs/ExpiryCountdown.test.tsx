import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExpiryCountdown } from "./ExpiryCountdown";

afterEach(() => vi.useRealTimers());

describe("ExpiryCountdown", () => {
  it("counts down every second and says Expired at the end", () => {
    vi.useFakeTimers({ now: new Date("2025-03-01T10:00:00Z") });
    render(<ExpiryCountdown expiresAt="2025-03-01T10:01:05Z" />);
    expect(screen.getByTestId("expiry")).toHaveTextContent("Deleted in 1 min 5 s");
    act(() => { vi.advanceTimersByTime(6000); });
    expect(screen.getByTestId("expiry")).toHaveTextContent("Deleted in 59 s");
    act(() => { vi.advanceTimersByTime(59_000); });
    expect(screen.queryByTestId("expiry")).not.toBeInTheDocument();
    expect(screen.getByText("Expired")).toBeInTheDocument();
  });
});
