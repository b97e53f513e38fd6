import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { User } from "firebase/auth";
import { describe, expect, it, vi } from "vitest";
import type { AdminOverview } from "../admin/types";
import { fakeApi, fakeUser, job, renderWithServices, signedIn } from "../test/fakes";
import { AdminPage } from "./AdminPage";

const overview: AdminOverview = {
  users: 12,
  jobsByStatus: { queued: 1, dispatched: 0, running: 2, done: 30, expired: 4, failed: 3, canceled: 1 },
  failureRatio: 0.0882,
  creditsBurned: 71,
  gpuSeconds: 1830.4,
  gpuCostUsd: 1.27,
  jobsPerDay: [{ date: "2025-03-01", total: 5, failed: 1 }, { date: "2025-03-02", total: 8, failed: 0 }],
  revenue: [{ planId: "creator", name: "Creator", subscribers: 2, revenueMinor: 4960, gpuSeconds: 900, gpuCostMinor: 120, currency: "GBP" }],
  last24h: {
    jobs: 41, finished: 37, successRate: 0.973, renderSecP50: 48.2, renderSecP95: 131.5,
    queueWaitSecP50: 3.1, queueWaitSecP95: 64, retries: 2, capped: false,
  },
};

describe("AdminPage", () => {
  it("shows a non-admin the 403 page and makes no API call", () => {
    const api = fakeApi();
    renderWithServices(<AdminPage />, { api, session: signedIn({ admin: false }), credits: false });
    expect(screen.getByTestId("forbidden")).toHaveTextContent("403");
    expect(screen.getByRole("heading", { name: "Admins only" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Admin console" })).not.toBeInTheDocument();
    for (const method of Object.values(api)) expect(method).not.toHaveBeenCalled();
  });

  it("fetches a fresh ID token once, so a claim granted since sign-in takes effect without signing out", () => {
    const getIdToken = vi.fn<User["getIdToken"]>(() => Promise.resolve("token"));
    renderWithServices(<AdminPage />, { api: fakeApi(), session: signedIn({ admin: false, user: fakeUser(getIdToken) }), credits: false });
    expect(getIdToken).toHaveBeenCalledTimes(1);
    expect(getIdToken).toHaveBeenCalledWith(true);
  });

  it("shows an admin the totals, users and jobs", async () => {
    const api = fakeApi({
      adminOverview: () => Promise.resolve(overview),
      adminUsers: () => Promise.resolve({
        items: [{ uid: "u1", email: "ada@example.com", credits: 3, reserved: 0, activeJobs: 0, plan: null, createdAt: null }],
        nextCursor: null,
      }),
      adminJobs: () => Promise.resolve({ items: [job({ jobId: "j1", prompt: "Foxes in snow", userId: "uid-foxes-owner" })], nextCursor: null }),
    });
    renderWithServices(<AdminPage />, { api, session: signedIn({ admin: true }), credits: false });
    expect(screen.getByRole("heading", { name: "Admin console" })).toBeInTheDocument();
    expect(await screen.findByText("8.8%")).toBeInTheDocument();
    expect(screen.getByText("1830 s")).toBeInTheDocument();
    expect(screen.getByText("≈ $1.27")).toBeInTheDocument();
    expect(within(screen.getByTestId("jobs-by-status")).getAllByRole("listitem")).toHaveLength(7);
    expect(screen.getAllByTestId("chart-bar").map((bar) => bar.getAttribute("data-total"))).toEqual(["5", "8"]);
    expect(within(screen.getByTestId("revenue")).getByText("Creator")).toBeInTheDocument();
    expect(await screen.findByText("ada@example.com")).toBeInTheDocument();
    expect(await screen.findByText("Foxes in snow")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Content moderation" })).toBeInTheDocument();
    expect(api.adminModeration).toHaveBeenCalledWith(null);
  });

  it("shows the last 24 hours: success rate, render time and queue wait percentiles, retries", async () => {
    renderWithServices(<AdminPage />, { api: fakeApi({ adminOverview: () => Promise.resolve(overview) }), session: signedIn({ admin: true }), credits: false });
    const panel = await screen.findByTestId("last-24h");
    expect(within(panel).getByRole("heading", { name: "Last 24 hours" })).toBeInTheDocument();
    expect(panel).toHaveTextContent("41 jobs created, 37 finished (canceled ones aside).");
    const stat = (label: string) => within(panel).getByText(label).closest(".stat");
    expect(stat("Success rate")).toHaveTextContent(/^Success rate97\.3%/);
    expect(stat("Render time p50")).toHaveTextContent(/^Render time p5048\.2 sp95 131\.5 s$/);
    expect(stat("Queue wait p50")).toHaveTextContent(/^Queue wait p503\.1 sp95 64\.0 s$/);
    expect(stat("Retries")).toHaveTextContent(/^Retries2/);
  });

  it("shows dashes for a quiet day and says when only the newest jobs were read", async () => {
    const quiet = {
      ...overview,
      last24h: { jobs: 5000, finished: 0, successRate: null, renderSecP50: null, renderSecP95: null,
        queueWaitSecP50: null, queueWaitSecP95: null, retries: 0, capped: true },
    };
    renderWithServices(<AdminPage />, { api: fakeApi({ adminOverview: () => Promise.resolve(quiet) }), session: signedIn({ admin: true }), credits: false });
    const panel = await screen.findByTestId("last-24h");
    expect(panel).toHaveTextContent("The newest 5000 jobs created, 0 finished");
    expect(within(panel).getByText("Success rate").closest(".stat")).toHaveTextContent(/^Success rate—/);
    expect(within(panel).getByText("Render time p50").closest(".stat")).toHaveTextContent(/^Render time p50—p95 —$/);
  });

  it("reads the totals again on Refresh", async () => {
    const api = fakeApi({ adminOverview: () => Promise.resolve(overview) });
    renderWithServices(<AdminPage />, { api, session: signedIn({ admin: true }), credits: false });
    await screen.findByText("8.8%");
    await userEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect(api.adminOverview).toHaveBeenCalledTimes(2);
  });

  it("shows the API's sentence when the totals can't be read", async () => {
    const api = fakeApi({ adminOverview: () => Promise.reject(new Error("You need the admin role for this.")) });
    renderWithServices(<AdminPage />, { api, session: signedIn({ admin: true }), credits: false });
    expect(await screen.findByText("You need the admin role for this.")).toBeInTheDocument();
  });
});
