import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { StatusChip } from "./StatusChip";

describe("StatusChip", () => {
  it.each([
    ["queued", "Queued"],
    ["dispatched", "Starting"],
    ["running", "Rendering"],
    ["done", "Done"],
    ["failed", "Failed"],
    ["canceled", "Canceled"],
    ["expired", "Expired"],
  ] as const)("shows %s as %s", (status, label) => {
    render(<StatusChip status={status} />);
    const chip = screen.getByText(label);
    expect(chip).toHaveAttribute("data-status", status);
    expect(chip).toHaveClass(`chip-${status}`);
  });
});
