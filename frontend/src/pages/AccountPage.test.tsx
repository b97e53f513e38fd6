import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { balance, fakeApi, fakeFirebase, FakeLiveDocuments, listing, renderWithServices, timestamp } from "../test/fakes";
import { AccountPage } from "./AccountPage";

describe("AccountPage", () => {
  it("shows the balance, plan, email, plans and history", async () => {
    const api = fakeApi({
      balance: () => Promise.resolve(balance({ credits: 33, reserved: 2, plan: "creator", renewsAt: "2025-04-01T00:00:00Z" })),
      ledger: () => Promise.resolve({ items: [{ id: "e1", kind: "grant", amount: 200, createdAt: "2025-03-01T00:00:00Z" }], nextCursor: null }),
    });
    renderWithServices(<AccountPage />, { api, route: "/account" });
    expect(await screen.findByTestId("account-credits")).toHaveTextContent("33");
    expect(screen.getByText("2 credits reserved")).toBeInTheDocument();
    const plan = screen.getByText("Plan").closest(".stat") as HTMLElement;
    expect(plan).toHaveTextContent(/^PlanCreatorRenews /);
    expect(screen.getByText("ada@example.com")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Your plan" })).toBeDisabled();
    expect(await screen.findByText("Plan credits")).toBeInTheDocument();
  });

  it("follows the balance, the reservation and the plan live, and reloads the history when they move", async () => {
    const live = new FakeLiveDocuments();
    const { api } = renderWithServices(<AccountPage />, { route: "/account", services: { firebase: fakeFirebase(live) } });
    expect(await screen.findByTestId("account-credits")).toHaveTextContent("10");
    await vi.waitFor(() => expect(live.watching()).toEqual(["users/user-1"]));
    await vi.waitFor(() => expect(api.ledger).toHaveBeenCalledTimes(2)); // with no balance yet, then with the first
    live.push("users/user-1", { credits: 260, reserved: 3, plan: "creator", renewsAt: timestamp("2026-05-01T00:00:00Z") });
    expect(screen.getByTestId("account-credits")).toHaveTextContent("260");
    expect(screen.getByText("3 credits reserved")).toBeInTheDocument();
    expect(screen.getByText("Plan").closest(".stat")).toHaveTextContent(/^PlanCreatorRenews /);
    await vi.waitFor(() => expect(api.ledger).toHaveBeenCalledTimes(3));
  });

  it("reads the balance again when the page opens", async () => {
    const { api } = renderWithServices(<AccountPage />, { route: "/account" });
    await screen.findByRole("button", { name: "Choose Starter" });
    await vi.waitFor(() => expect(api.balance).toHaveBeenCalledTimes(2));
  });

  it("says what happened to a payment when back from the payment page", async () => {
    const api = fakeApi({
      payment: (paymentId) => Promise.resolve({
        paymentId, status: "settled", purpose: "topup", credits: 40, amountMinor: 600, currency: "GBP", createdAt: "",
      }),
    });
    renderWithServices(<AccountPage />, { api, route: "/account?paymentId=pay-77", path: "/account" });
    expect(await screen.findByText("Payment received: 40 credits added to your balance.")).toBeInTheDocument();
    expect(api.payment).toHaveBeenCalledWith("pay-77");
  });

  it("shows why the plans can't be listed", async () => {
    const api = fakeApi({ plans: () => Promise.reject(new Error("The server answered HTTP 502.")) });
    renderWithServices(<AccountPage />, { api, route: "/account" });
    expect(await screen.findByRole("alert")).toHaveTextContent("The server answered HTTP 502.");
    expect(screen.queryByRole("heading", { name: "Buy credits" })).not.toBeInTheDocument();
  });

  it("shows the payments switch from the listing", async () => {
    const api = fakeApi({ plans: () => Promise.resolve(listing({ paymentsEnabled: false })) });
    renderWithServices(<AccountPage />, { api, route: "/account" });
    expect(await screen.findByText(/Payments are not configured/)).toBeInTheDocument();
  });
});
