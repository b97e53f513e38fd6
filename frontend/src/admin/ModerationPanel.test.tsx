import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { fakeApi, renderWithServices } from "../test/fakes";
import { ModerationPanel } from "./ModerationPanel";
import type { AdminModeration, Refusal } from "./types";

const perDay = [{ day: "2026-11-30", refusals: 0 }, { day: "2026-12-01", refusals: 3 }];

function refusal(overrides: Partial<Refusal>): Refusal {
  return {
    id: "r1", uid: "uid-ada", email: "ada@example.com", field: "prompt", categories: ["Violent"], check: "text",
    at: "2026-12-01T22:41:03.123456+00:00", ...overrides,
  };
}

const first: AdminModeration = {
  perDay,
  items: [
    refusal({ id: "r1" }),
    refusal({ id: "r2", uid: "uid-anon", email: null, field: "imageKey", check: "image", categories: ["adult", "racy"] }),
  ],
  nextCursor: "c2",
};
const second: AdminModeration = {
  perDay, items: [refusal({ id: "r3", field: "negativePrompt", check: "blocklist", categories: ["Blocked term"] })], nextCursor: null,
};

function setup(answer: (cursor?: string | null) => Promise<AdminModeration> = (cursor) => Promise.resolve(cursor ? second : first)) {
  const api = fakeApi({ adminModeration: answer });
  renderWithServices(<ModerationPanel />, { api, credits: false });
  return api;
}

describe("ModerationPanel", () => {
  it("lists refusals with time, user, field, check and categories", async () => {
    setup();
    const rows = await screen.findAllByTestId("refusal-row");
    expect(rows).toHaveLength(2);
    const cells = (row: HTMLElement) => within(row).getAllByRole("cell").map((cell) => cell.textContent);
    expect(cells(rows[0]).slice(1)).toEqual(["ada@example.com", "Prompt", "Text", "Violent"]);
    expect(cells(rows[1]).slice(1)).toEqual(["uid-anon", "Starting image", "Image", "adult, racy"]);
    expect(cells(rows[0])[0]).toMatch(/2026/);
  });

  it("charts the refusals per day", async () => {
    setup();
    const chart = await screen.findByRole("img", { name: "Refusals per day" });
    expect(within(chart).getAllByTestId("chart-bar").map((bar) => bar.getAttribute("data-total"))).toEqual(["0", "3"]);
    expect(screen.getByText("3 refusals in the last 2 days (UTC).")).toBeInTheDocument();
  });

  it("loads the next page with the cursor and adds its rows", async () => {
    const api = setup();
    await screen.findAllByTestId("refusal-row");
    expect(api.adminModeration).toHaveBeenCalledWith(null);
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(api.adminModeration).toHaveBeenLastCalledWith("c2");
    const rows = await screen.findAllByTestId("refusal-row");
    expect(rows).toHaveLength(3);
    expect(rows[2]).toHaveTextContent("Negative prompt");
    expect(rows[2]).toHaveTextContent("Blocklist");
    expect(rows[2]).toHaveTextContent("Blocked term");
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("says so when nothing was refused", async () => {
    setup(() => Promise.resolve({ perDay: [], items: [], nextCursor: null }));
    expect(await screen.findByText("No refusals yet.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("shows the API's sentence when the log can't be read", async () => {
    setup(() => Promise.reject(new ApiError(403, "forbidden", "You need the admin role for this.")));
    expect(await screen.findByRole("alert")).toHaveTextContent("You need the admin role for this.");
  });
});
