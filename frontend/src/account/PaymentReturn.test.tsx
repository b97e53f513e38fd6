import { act, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Payment } from "../api/types";
import { fakeApi, renderWithServices } from "../test/fakes";
import { PaymentReturn } from "./PaymentReturn";

const payment = (status: string, extra: Partial<Payment> = {}): Payment => ({
  paymentId: "pay-1", status, purpose: "topup", credits: 40, amountMinor: 600, currency: "GBP",
  createdAt: "2025-03-01T10:00:00Z", ...extra,
});

afterEach(() => vi.useRealTimers());

describe("PaymentReturn", () => {
  it("says the credits arrived and refreshes the balance once the payment settles", async () => {
    const api = fakeApi({ payment: () => Promise.resolve(payment("executed")) });
    renderWithServices(<PaymentReturn paymentId="pay-1" />, { api });
    expect(await screen.findByText("Payment received: 40 credits added to your balance.")).toBeInTheDocument();
    expect(api.payment).toHaveBeenCalledWith("pay-1");
    await vi.waitFor(() => expect(api.balance).toHaveBeenCalledTimes(2));
  });

  it("says a failed payment charged nothing, with the reason", async () => {
    const api = fakeApi({ payment: () => Promise.resolve(payment("failed", { failureReason: "canceled by the user" })) });
    renderWithServices(<PaymentReturn paymentId="pay-1" />, { api });
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The payment did not go through (canceled by the user); nothing was charged.");
  });

  it("keeps asking every 2 seconds while the bank has not answered, then gives up after a minute", async () => {
    vi.useFakeTimers();
    const api = fakeApi({ payment: () => Promise.resolve(payment("authorizing")) });
    renderWithServices(<PaymentReturn paymentId="pay-1" />, { api, credits: false });
    await act(async () => {});
    expect(screen.getByRole("status")).toHaveTextContent("Waiting for your bank to confirm the payment…");
    expect(api.payment).toHaveBeenCalledTimes(1);
    await act(async () => { await vi.advanceTimersByTimeAsync(2000); });
    expect(api.payment).toHaveBeenCalledTimes(2);
    await act(async () => { await vi.advanceTimersByTimeAsync(60_000); });
    expect(api.payment).toHaveBeenCalledTimes(30);
    expect(screen.getByRole("status")).toHaveTextContent("Your bank has not confirmed the payment yet");
  });

  it("stops asking once the payment settles", async () => {
    vi.useFakeTimers();
    let status = "authorizing";
    const api = fakeApi({ payment: () => Promise.resolve(payment(status)) });
    renderWithServices(<PaymentReturn paymentId="pay-1" />, { api, credits: false });
    await act(async () => {});
    status = "settled";
    await act(async () => { await vi.advanceTimersByTimeAsync(2000); });
    expect(screen.getByRole("status")).toHaveTextContent("Payment received");
    await act(async () => { await vi.advanceTimersByTimeAsync(10_000); });
    expect(api.payment).toHaveBeenCalledTimes(2);
  });

  it("shows the error when the payment can't be read at all", async () => {
    const api = fakeApi({ payment: () => Promise.reject(new Error("No such payment.")) });
    renderWithServices(<PaymentReturn paymentId="pay-x" />, { api, credits: false });
    expect(await screen.findByRole("alert")).toHaveTextContent("No such payment.");
  });
});
