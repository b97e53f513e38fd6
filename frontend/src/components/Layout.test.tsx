import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { JobLimits } from "../api/types";
import { balance, fakeApi, fakeFirebase, FakeLiveDocuments, LIMITS, renderWithServices, signedIn } from "../test/fakes";
import { Layout } from "./Layout";

const signOut = vi.hoisted(() => vi.fn(async () => {}));
vi.mock("firebase/auth", () => ({ signOut }));

const live = new FakeLiveDocuments();
const firebase = fakeFirebase(live);

function open(admin = false, limits: JobLimits | null = LIMITS) {
  const api = fakeApi({ balance: () => Promise.resolve(balance({ credits: 12 })) });
  return renderWithServices(<Layout />, { api, services: { firebase }, session: signedIn({ admin }), route: "/", limits });
}

describe("Layout", () => {
  it("shows the balance and the user's email in the header", async () => {
    open();
    expect(await screen.findByTestId("credit-pill")).toHaveTextContent("12 credits");
    expect(screen.getByTestId("credit-pill")).toHaveAttribute("href", "/account");
    expect(screen.getByText("ada@example.com")).toBeInTheDocument();
  });

  it("moves the badge when the user's document changes, with no new API read", async () => {
    const { api } = open();
    expect(await screen.findByTestId("credit-pill")).toHaveTextContent("12 credits");
    await vi.waitFor(() => expect(live.watching()).toContain("users/user-1"));
    live.push("users/user-1", { credits: 17, reserved: 1, activeJobs: 1 }); // an admin's grant lands
    expect(screen.getByTestId("credit-pill")).toHaveTextContent("17 credits");
    expect(api.balance).toHaveBeenCalledTimes(1);
  });

  it("shows the Admin link to admins only", () => {
    const { unmount } = open(false);
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(nav).toHaveTextContent("DashboardCreateAccountAPI");
    expect(screen.getByRole("link", { name: "API" })).toHaveAttribute("href", "/docs");
    expect(screen.queryByRole("link", { name: "Admin" })).not.toBeInTheDocument();
    unmount();
    open(true);
    expect(screen.getByRole("link", { name: "Admin" })).toHaveAttribute("href", "/admin");
  });

  it("says in the footer how long videos are kept, from the job limits", () => {
    open(false, { ...LIMITS, videoTtlHours: 48 });
    expect(screen.getByRole("contentinfo")).toHaveTextContent(/^Videos are kept for 48 hours\. Every failed render is refunded\.$/);
  });

  it("leaves the hours out of the footer until the limits are known", () => {
    open(false, null);
    expect(screen.getByRole("contentinfo")).toHaveTextContent(/^Every failed render is refunded\.$/);
  });

  it("signs out and goes to the sign-in page", async () => {
    open();
    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(signOut).toHaveBeenCalledWith(firebase.auth);
    expect(await screen.findByTestId("location")).toHaveTextContent("/signin");
  });
});
