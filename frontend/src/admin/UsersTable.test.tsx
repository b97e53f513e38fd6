import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { fakeApi, renderWithServices } from "../test/fakes";
import type { AdminUser } from "./types";
import { UsersTable } from "./UsersTable";

const ada: AdminUser = {
  uid: "uid-ada", email: "ada@example.com", credits: 20, reserved: 1, activeJobs: 1, plan: "starter",
  createdAt: "2025-01-02T00:00:00Z",
};
const anon: AdminUser = { ...ada, uid: "uid-anon", email: null, credits: 0, reserved: 0, activeJobs: 0, plan: null };

function setup(adjust = () => Promise.resolve({ credits: 15 })) {
  const api = fakeApi({ adminUsers: () => Promise.resolve({ items: [ada, anon], nextCursor: null }), adjustCredits: adjust });
  const onChanged = vi.fn();
  renderWithServices(<UsersTable onChanged={onChanged} />, { api, credits: false });
  return { api, onChanged };
}

async function adjust(delta: string, reason: string) {
  const amount = await screen.findByRole("textbox", { name: "Credits to add for ada@example.com" });
  const why = screen.getByRole("textbox", { name: "Reason for ada@example.com" });
  await userEvent.clear(amount);
  if (delta) await userEvent.type(amount, delta);
  await userEvent.clear(why);
  if (reason) await userEvent.type(why, reason);
  await userEvent.click(within(amount.closest("tr")!).getByRole("button", { name: "Apply" }));
}

describe("UsersTable", () => {
  it("lists users with plan and balance, naming a user without email by uid", async () => {
    setup();
    const rows = await screen.findAllByTestId("admin-user-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("ada@example.com");
    expect(rows[0]).toHaveTextContent("Starter");
    expect(within(rows[0]).getByTestId("user-credits")).toHaveTextContent("20");
    expect(rows[1]).toHaveTextContent("No plan");
    expect(within(rows[1]).getByRole("textbox", { name: "Credits to add for uid-anon" })).toBeInTheDocument();
  });

  it("finds a user by the trimmed email only when Find is pressed", async () => {
    const { api } = setup();
    await screen.findAllByTestId("admin-user-row");
    expect(api.adminUsers).toHaveBeenLastCalledWith(null, "");
    await userEvent.type(screen.getByRole("searchbox", { name: "Find a user by email" }), " ada@example.com ");
    expect(api.adminUsers).toHaveBeenCalledTimes(1);
    await userEvent.click(screen.getByRole("button", { name: "Find" }));
    expect(api.adminUsers).toHaveBeenLastCalledWith(null, "ada@example.com");
  });

  it("says so when no user matches", async () => {
    const api = fakeApi({ adminUsers: () => Promise.resolve({ items: [], nextCursor: null }) });
    renderWithServices(<UsersTable onChanged={() => {}} />, { api, credits: false });
    expect(await screen.findByText("No users match.")).toBeInTheDocument();
  });

  it.each(["0", "1.5", "abc", "", "0x10", "1e3"])("refuses the amount %j with a sentence and sends nothing", async (delta) => {
    const { api } = setup();
    await adjust(delta, "Goodwill credit");
    expect(screen.getByRole("alert")).toHaveTextContent(
      "Enter a whole number of credits other than 0 (negative to take away).");
    expect(api.adjustCredits).not.toHaveBeenCalled();
  });

  it("refuses a reason shorter than 3 characters", async () => {
    const { api } = setup();
    await adjust("5", " ab ");
    expect(screen.getByRole("alert")).toHaveTextContent("Give a reason of at least 3 characters");
    expect(api.adjustCredits).not.toHaveBeenCalled();
  });

  it("sends a valid adjustment, says the new balance and reloads", async () => {
    const { api, onChanged } = setup();
    await adjust("-5", "  Duplicate top-up  ");
    expect(api.adjustCredits).toHaveBeenCalledWith("uid-ada", -5, "Duplicate top-up", expect.any(String));
    expect(await screen.findByRole("status")).toHaveTextContent("Done: 15 credits now.");
    expect(onChanged).toHaveBeenCalledTimes(1);
    expect(api.adminUsers).toHaveBeenCalledTimes(2);
    expect(screen.getByRole("textbox", { name: "Credits to add for ada@example.com" })).toHaveValue("");
    expect(screen.getByRole("textbox", { name: "Reason for ada@example.com" })).toHaveValue("");
  });

  it("uses a new idempotency key for each adjustment", async () => {
    const { api } = setup();
    await adjust("5", "First gift");
    await screen.findByRole("status");
    await adjust("5", "Second gift");
    await vi.waitFor(() => expect(api.adjustCredits).toHaveBeenCalledTimes(2));
    expect(api.adjustCredits.mock.calls[0][3]).not.toBe(api.adjustCredits.mock.calls[1][3]);
  });

  it("shows the API's refusal and keeps what was typed", async () => {
    const { onChanged } = setup(() => Promise.reject(new ApiError(400, "invalid_argument", "That would take the balance below zero.")));
    await adjust("-500", "Chargeback");
    expect(await screen.findByRole("alert")).toHaveTextContent("That would take the balance below zero.");
    expect(onChanged).not.toHaveBeenCalled();
    expect(screen.getByRole("textbox", { name: "Credits to add for ada@example.com" })).toHaveValue("-500");
  });
});
