import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { Balance, PlanListing } from "../api/types";
import { balance, fakeApi, LIMITS, listing, renderWithServices, type FakeApi } from "../test/fakes";
import { BuyCredits } from "./BuyCredits";

let assign: ReturnType<typeof vi.fn>;
beforeEach(() => {
  assign = vi.fn();
  vi.stubGlobal("location", { ...window.location, assign });
});
afterEach(() => vi.unstubAllGlobals());

function show(data: PlanListing, current: Balance | null = balance(), api: FakeApi = fakeApi()) {
  return renderWithServices(<BuyCredits listing={data} balance={current} />, { api, credits: false });
}

describe("BuyCredits without payments", () => {
  it("says payments are not configured and disables every button", () => {
    const { api } = show(listing({ paymentsEnabled: false }));
    expect(screen.getByRole("status")).toHaveTextContent("Payments are not configured on this server yet.");
    expect(screen.getByRole("button", { name: "Choose Starter" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Choose Creator" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Top up" })).toBeDisabled();
    expect(api.subscribe).not.toHaveBeenCalled();
  });
});

describe("BuyCredits with payments", () => {
  it("does not show the not-configured message", () => {
    show(listing());
    expect(screen.queryByText(/not configured/)).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Choose Creator" })).toBeEnabled();
  });

  it("shows each plan's price and monthly credits", () => {
    show(listing());
    expect(screen.getByTestId("plan-creator")).toHaveTextContent("250 credits a month · 1250 s of video");
    expect(screen.getByTestId("plan-creator")).toHaveTextContent("24.80");
    expect(screen.getByTestId("plan-starter")).toHaveTextContent("8.00");
  });

  it("counts a plan's seconds of video at the rate the job limits price lengths", () => {
    show(listing({ jobLimits: { ...LIMITS, durations: [{ durationSec: 4, credits: 1 }] } }));
    expect(screen.getByTestId("plan-starter")).toHaveTextContent("80 credits a month · 320 s of video");
  });

  it("states the listing's credit policy", () => {
    show(listing({ creditPolicy: "Credits are kept for as long as the account is open." }));
    expect(screen.getByText("Credits are kept for as long as the account is open.")).toBeInTheDocument();
  });

  it("subscribes to the chosen plan and goes to the payment page", async () => {
    const { api } = show(listing());
    await userEvent.click(screen.getByRole("button", { name: "Choose Creator" }));
    expect(api.subscribe).toHaveBeenCalledWith("creator", expect.any(String));
    expect(assign).toHaveBeenCalledWith("https://pay.example/checkout/pay-1");
  });

  it("follows a payment with no payment page (a mandate's) on the account page", async () => {
    const api = fakeApi({ topup: () => Promise.resolve({ paymentId: "pay 3", redirectUrl: null }) });
    show(listing(), balance({ plan: "creator" }), api);
    await userEvent.click(screen.getByRole("button", { name: "Top up" }));
    expect(assign).toHaveBeenCalledWith("/account?paymentId=pay%203");
  });

  it("tops up the amount typed, priced per credit", async () => {
    const { api } = show(listing());
    const amount = screen.getByRole("spinbutton", { name: /Top up credits \(10–2000\)/ });
    await userEvent.clear(amount);
    await userEvent.type(amount, "50");
    expect(screen.getByText(/10\.00/)).toBeInTheDocument(); // 50 × 20 minor units
    await userEvent.click(screen.getByRole("button", { name: "Top up" }));
    expect(api.topup).toHaveBeenCalledWith(50, expect.any(String));
    expect(assign).toHaveBeenCalledWith("https://pay.example/checkout/pay-2");
  });

  it("refuses a top-up outside the limits", async () => {
    const { api } = show(listing());
    const amount = screen.getByRole("spinbutton");
    await userEvent.clear(amount);
    await userEvent.type(amount, "5");
    expect(screen.getByText("Choose 10 to 2000")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Top up" })).toBeDisabled();
    await userEvent.type(amount, "{Enter}");
    expect(api.topup).not.toHaveBeenCalled();
  });

  it("shows the API's sentence when a payment can't start, and lets the user try again", async () => {
    const api = fakeApi({
      subscribe: () => Promise.reject(new ApiError(503, "busy", "Payments are busy; try again in a minute.")),
    });
    show(listing(), balance(), api);
    await userEvent.click(screen.getByRole("button", { name: "Choose Starter" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Payments are busy; try again in a minute.");
    expect(assign).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Choose Starter" })).toBeEnabled();
  });

  it("marks the current plan and offers no second subscription", () => {
    show(listing(), balance({ plan: "creator" }));
    expect(screen.getByRole("button", { name: "Your plan" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Choose Starter" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Top up" })).toBeEnabled();
  });
});
