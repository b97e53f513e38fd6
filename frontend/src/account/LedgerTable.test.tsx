import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../api/types";
import { fakeApi, renderWithServices } from "../test/fakes";
import { describeAmount, LedgerTable } from "./LedgerTable";

const entry = (kind: LedgerEntry["kind"], amount: number, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id: `${kind}-${amount}`, kind, amount, createdAt: "2025-03-01T10:00:00Z", ...extra,
});

describe("describeAmount", () => {
  it.each([
    [entry("grant", 60), "+60"],
    [entry("topup", 40), "+40"],
    [entry("refund", 2), "+2"],
    [entry("reserve", 3), "−3"],
    [entry("settle", 3), "3 used"],
    [entry("adjust", 5), "+5"],
    [entry("adjust", -7), "−7"],
  ])("%o reads %s", (item, text) => {
    expect(describeAmount(item)).toBe(text);
  });
});

describe("LedgerTable", () => {
  it("lists entries with their label, amount, job link and reason", async () => {
    const api = fakeApi({
      ledger: () => Promise.resolve({
        items: [
          entry("reserve", 2, { id: "e1", jobId: "job-7" }),
          entry("adjust", -4, { id: "e2", reason: "Duplicate top-up" }),
        ],
        nextCursor: null,
      }),
    });
    renderWithServices(<LedgerTable version={0} />, { api, credits: false });
    const rows = within(await screen.findByTestId("ledger")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Reserved for a render");
    expect(rows[0]).toHaveTextContent("−2");
    expect(within(rows[0]).getByRole("link", { name: "View render" })).toHaveAttribute("href", "/jobs/job-7");
    expect(rows[1]).toHaveTextContent("Adjustment");
    expect(rows[1]).toHaveTextContent("−4");
    expect(rows[1]).toHaveTextContent("Duplicate top-up");
    expect(api.ledger).toHaveBeenCalledWith(25, null);
  });

  it("says so when there is no history", async () => {
    renderWithServices(<LedgerTable version={0} />, { credits: false });
    expect(await screen.findByText("No credit movements yet.")).toBeInTheDocument();
  });

  it("loads the next page with the cursor and appends it", async () => {
    const api = fakeApi({
      ledger: (_limit, cursor) => Promise.resolve(cursor === "c2"
        ? { items: [entry("grant", 60, { id: "e3" })], nextCursor: null }
        : { items: [entry("topup", 40, { id: "e1" })], nextCursor: "c2" }),
    });
    renderWithServices(<LedgerTable version={0} />, { api, credits: false });
    await userEvent.click(await screen.findByRole("button", { name: "Load more" }));
    expect(await screen.findByText("Plan credits")).toBeInTheDocument();
    expect(screen.getByText("Top-up")).toBeInTheDocument();
    expect(api.ledger).toHaveBeenLastCalledWith(25, "c2");
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("shows the API's sentence when the history can't be read", async () => {
    const api = fakeApi({ ledger: () => Promise.reject(new Error("The server answered HTTP 502.")) });
    renderWithServices(<LedgerTable version={0} />, { api, credits: false });
    expect(await screen.findByRole("alert")).toHaveTextContent("The server answered HTTP 502.");
  });

  it("reads the history again when the balance version changes", async () => {
    const api = fakeApi();
    const { rerender } = renderWithServices(<LedgerTable version={1} />, { api, credits: false });
    await screen.findByText("No credit movements yet.");
    expect(api.ledger).toHaveBeenCalledTimes(1);
    rerender(<LedgerTable version={2} />);
    await screen.findByText("No credit movements yet.");
    expect(api.ledger).toHaveBeenCalledTimes(2);
    rerender(<LedgerTable version={2} />);
    await screen.findByText("No credit movements yet.");
    expect(api.ledger).toHaveBeenCalledTimes(2);
  });
});
