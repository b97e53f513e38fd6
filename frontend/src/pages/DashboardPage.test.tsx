import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { balance, fakeApi, job, LIMITS, renderWithServices } from "../test/fakes";
import { DashboardPage } from "./DashboardPage";

afterEach(() => vi.useRealTimers());

const jobs = [
  job({ jobId: "a", status: "done", prompt: "Paper boat in the rain", posterUrl: "https://cdn.test/a.jpg" }),
  job({ jobId: "b", status: "failed", prompt: "Neon city at night" }),
  job({ jobId: "c", status: "running", progress: 0.5, prompt: "A cat chasing paper" }),
];

const cardIds = () => screen.queryAllByTestId("job-card").map((card) => card.getAttribute("data-job-id"));

describe("DashboardPage", () => {
  it("shows the balance and plan", async () => {
    const api = fakeApi({ balance: () => Promise.resolve(balance({ credits: 17, reserved: 2, plan: "creator", renewsAt: "2025-04-01T00:00:00Z" })) });
    renderWithServices(<DashboardPage />, { api });
    expect(await within(screen.getByTestId("balance")).findByText("17")).toBeInTheDocument();
    expect(screen.getByText("2 credits reserved for renders in progress")).toBeInTheDocument();
    expect(screen.getByText("Creator")).toBeInTheDocument();
    expect(screen.getByText(/^Renews /)).toBeInTheDocument();
  });

  it("frames portrait renders as portrait", async () => {
    const api = fakeApi({ jobs: () => Promise.resolve({ items: [job({ jobId: "p", aspectRatio: "9:16" }), job({ jobId: "l" })], nextCursor: null }) });
    const { container } = renderWithServices(<DashboardPage />, { api });
    await vi.waitFor(() => expect(cardIds()).toEqual(["p", "l"]));
    const thumbs = container.querySelectorAll(".thumb");
    expect(thumbs[0]).toHaveClass("portrait");
    expect(thumbs[1]).not.toHaveClass("portrait");
  });

  it("says what a credit buys, from the job limits", async () => {
    renderWithServices(<DashboardPage />, { limits: { ...LIMITS, durations: [{ durationSec: 6, credits: 1 }, { durationSec: 12, credits: 2 }] } });
    expect(await within(screen.getByTestId("balance")).findByText("1 credit = 6 seconds of video")).toBeInTheDocument();
  });

  it("leaves out what a credit buys while the limits are unknown", async () => {
    renderWithServices(<DashboardPage />, { limits: null });
    await within(screen.getByTestId("balance")).findByText("10");
    expect(screen.queryByText(/of video/)).not.toBeInTheDocument();
  });

  it("lists the user's renders as cards linking to each job", async () => {
    const api = fakeApi({ jobs: () => Promise.resolve({ items: jobs, nextCursor: null }) });
    renderWithServices(<DashboardPage />, { api });
    await screen.findByText("Neon city at night");
    expect(cardIds()).toEqual(["a", "b", "c"]);
    expect(api.jobs).toHaveBeenCalledWith(24, null);
    const running = screen.getAllByTestId("job-card")[2];
    expect(within(running).getByRole("link")).toHaveAttribute("href", "/jobs/c");
    expect(within(running).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "50");
    expect(within(screen.getAllByTestId("job-card")[0]).queryByRole("progressbar")).not.toBeInTheDocument();
  });

  it("filters the cards by prompt and by status", async () => {
    const api = fakeApi({ jobs: () => Promise.resolve({ items: jobs, nextCursor: null }) });
    renderWithServices(<DashboardPage />, { api });
    await screen.findByText("Neon city at night");
    await userEvent.type(screen.getByRole("searchbox", { name: "Search prompts" }), "paper");
    expect(cardIds()).toEqual(["a", "c"]);
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Filter by status" }), "Rendering");
    expect(cardIds()).toEqual(["c"]);
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Filter by status" }), "Failed");
    expect(cardIds()).toEqual([]);
    expect(screen.getByText("No renders match these filters.")).toBeInTheDocument();
  });

  it("invites a new user to make a first video", async () => {
    renderWithServices(<DashboardPage />);
    expect(await screen.findByRole("link", { name: "Make your first video" })).toHaveAttribute("href", "/create");
  });

  it("loads more renders with the cursor", async () => {
    const api = fakeApi({
      jobs: (_limit, cursor) => Promise.resolve(cursor === "next"
        ? { items: [job({ jobId: "d", status: "done", prompt: "Older one" })], nextCursor: null }
        : { items: [jobs[0]], nextCursor: "next" }),
    });
    renderWithServices(<DashboardPage />, { api });
    await userEvent.click(await screen.findByRole("button", { name: "Load more" }));
    expect(await screen.findByText("Older one")).toBeInTheDocument();
    expect(cardIds()).toEqual(["a", "d"]);
    expect(api.jobs).toHaveBeenLastCalledWith(24, "next");
  });

  it("refreshes the list and the balance while something is rendering, and stops when nothing is", async () => {
    vi.useFakeTimers();
    let items = [jobs[2]];
    const api = fakeApi({ jobs: () => Promise.resolve({ items, nextCursor: null }) });
    renderWithServices(<DashboardPage />, { api });
    await act(async () => {});
    expect(api.jobs).toHaveBeenCalledTimes(1);
    items = [{ ...jobs[2], status: "done", progress: 1 }];
    await act(async () => { await vi.advanceTimersByTimeAsync(4000); });
    expect(api.jobs).toHaveBeenCalledTimes(2);
    expect(api.balance).toHaveBeenCalledTimes(2);
    await act(async () => { await vi.advanceTimersByTimeAsync(12_000); });
    expect(api.jobs).toHaveBeenCalledTimes(2);
  });

  it("shows the API's sentence when the list can't be read", async () => {
    const api = fakeApi({ jobs: () => Promise.reject(new Error("The server answered HTTP 503. Please try again in a moment.")) });
    renderWithServices(<DashboardPage />, { api });
    expect(await screen.findByRole("alert")).toHaveTextContent("The server answered HTTP 503.");
  });
});
