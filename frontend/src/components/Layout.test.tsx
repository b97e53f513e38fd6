import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { FirebaseHandles } from "../firebase";
import type { JobLimits } from "../api/types";
import { balance, fakeApi, LIMITS, renderWithServices, signedIn } from "../test/fakes";
import { Layout } from "./Layout";

const signOut = vi.hoisted(() => vi.fn(async () => {}));
vi.mock("firebase/auth", () => ({ signOut }));

const firebase = { auth: { name: "fake-auth" } } as unknown as FirebaseHandles;

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
