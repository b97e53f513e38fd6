import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ApiClient } from "../api/client";
import type { Balance } from "../api/types";
import { balance, fakeApi, fakeFirebase, FakeLiveDocuments, signedIn, timestamp, type FakeApi } from "../test/fakes";
import { CreditsProvider, useCredits } from "./credits";
import { TestServicesProvider, type Session } from "./services";

function Probe() {
  const { balance: current, error, refresh } = useCredits();
  return (
    <div>
      <p data-testid="credits">{current ? `${current.credits}/${current.reserved}` : "none"}</p>
      <p data-testid="plan">{current ? `${current.plan ?? "-"} ${current.renewsAt ?? "-"}` : ""}</p>
      <p data-testid="error">{error ?? ""}</p>
      <button type="button" onClick={() => void refresh()}>Refresh</button>
    </div>
  );
}

function show(api: FakeApi, session: Session, live?: FakeLiveDocuments) {
  const services = { api: api as unknown as ApiClient, firebase: fakeFirebase(live) };
  const tree = (current: Session) => (
    <TestServicesProvider services={services} session={current}>
      <CreditsProvider><Probe /></CreditsProvider>
    </TestServicesProvider>
  );
  const result = render(tree(session));
  return { ...result, rerender: (next: Session) => result.rerender(tree(next)) };
}

/** An API whose balance answers come when the test resolves them, one by one. */
function slowApi() {
  const pending: ((answer: Balance) => void)[] = [];
  const api = fakeApi({ balance: () => new Promise<Balance>((resolve) => pending.push(resolve)) });
  return { api, pending };
}

describe("CreditsProvider, live", () => {
  it("follows the user's own document once signed in: a grant shows without an API read", async () => {
    const live = new FakeLiveDocuments();
    const api = fakeApi({ balance: () => Promise.resolve(balance({ credits: 2 })) });
    show(api, signedIn(), live);
    expect(await screen.findByText("2/0")).toBeInTheDocument();
    await vi.waitFor(() => expect(live.watching()).toEqual(["users/user-1"]));
    live.push("users/user-1", {
      credits: 7, reserved: 1, activeJobs: 1, plan: "creator", renewsAt: timestamp("2026-04-01T00:00:00Z"), email: "a@b.c",
    });
    expect(screen.getByTestId("credits")).toHaveTextContent("7/1");
    expect(screen.getByTestId("plan")).toHaveTextContent("creator 2026-04-01T00:00:00.000Z");
    live.push("users/user-1", { credits: 8, reserved: 0, plan: null, renewsAt: null }); // the refund of a failed job
    expect(screen.getByTestId("credits")).toHaveTextContent("8/0");
    expect(screen.getByTestId("plan")).toHaveTextContent("- -");
    expect(api.balance).toHaveBeenCalledTimes(1);
  });

  it("keeps the API's answer while the document does not exist yet", async () => {
    const live = new FakeLiveDocuments();
    show(fakeApi({ balance: () => Promise.resolve(balance({ credits: 0 })) }), signedIn(), live);
    await vi.waitFor(() => expect(live.watching()).toEqual(["users/user-1"]));
    live.push("users/user-1", null);
    expect(await screen.findByText("0/0")).toBeInTheDocument();
  });

  it("lets no API answer that was in flight overwrite a newer snapshot, and asks the API nothing while live", async () => {
    const live = new FakeLiveDocuments();
    const { api, pending } = slowApi();
    show(api, signedIn(), live);
    await vi.waitFor(() => expect(live.watching()).toEqual(["users/user-1"]));
    live.push("users/user-1", { credits: 9, reserved: 0 });
    pending[0](balance({ credits: 4 })); // read before the grant, answered after its snapshot
    await userEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect(screen.getByTestId("credits")).toHaveTextContent("9/0");
    expect(api.balance).toHaveBeenCalledTimes(1);
  });

  it("falls back to the API when the listener fails, keeping what it showed", async () => {
    const live = new FakeLiveDocuments();
    let credits = 5;
    const api = fakeApi({ balance: () => Promise.resolve(balance({ credits })) });
    show(api, signedIn(), live);
    await vi.waitFor(() => expect(live.watching()).toEqual(["users/user-1"]));
    live.push("users/user-1", { credits: 6, reserved: 0 });
    live.fail("users/user-1");
    expect(screen.getByTestId("credits")).toHaveTextContent("6/0");
    credits = 3;
    await userEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect(await screen.findByText("3/0")).toBeInTheDocument();
    expect(api.balance).toHaveBeenCalledTimes(2);
  });

  it("falls back to the API when Firestore can't be loaded", async () => {
    const broken = { liveDocuments: () => Promise.reject(new Error("chunk failed to load")) };
    let credits = 5;
    const api = fakeApi({ balance: () => Promise.resolve(balance({ credits })) });
    render(
      <TestServicesProvider services={{ api: api as unknown as ApiClient, firebase: { ...fakeFirebase(), ...broken } }} session={signedIn()}>
        <CreditsProvider><Probe /></CreditsProvider>
      </TestServicesProvider>,
    );
    expect(await screen.findByText("5/0")).toBeInTheDocument();
    credits = 1;
    await userEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect(await screen.findByText("1/0")).toBeInTheDocument();
  });

  it("watches nothing signed out, and stops watching on sign-out", async () => {
    const live = new FakeLiveDocuments();
    const signedOut: Session = { ready: true, user: null, admin: false };
    const { rerender } = show(fakeApi(), signedOut, live);
    await Promise.resolve();
    expect(live.watching()).toEqual([]);
    rerender(signedIn());
    await vi.waitFor(() => expect(live.watching()).toEqual(["users/user-1"]));
    live.push("users/user-1", { credits: 4, reserved: 0 });
    rerender(signedOut);
    expect(live.watching()).toEqual([]);
    expect(live.stopped).toEqual(["users/user-1"]);
    expect(screen.getByTestId("credits")).toHaveTextContent("none");
  });
});

describe("CreditsProvider", () => {
  it("reads the balance for a signed-in user", async () => {
    const api = fakeApi({ balance: () => Promise.resolve(balance({ credits: 7, reserved: 2 })) });
    show(api, signedIn());
    expect(await screen.findByText("7/2")).toBeInTheDocument();
  });

  it("asks nothing when nobody is signed in", () => {
    const api = fakeApi();
    show(api, { ready: true, user: null, admin: false });
    expect(screen.getByTestId("credits")).toHaveTextContent("none");
    expect(api.balance).not.toHaveBeenCalled();
  });

  it("reads again on refresh", async () => {
    let credits = 5;
    const api = fakeApi({ balance: () => Promise.resolve(balance({ credits })) });
    show(api, signedIn());
    await screen.findByText("5/0");
    credits = 3;
    await userEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect(await screen.findByText("3/0")).toBeInTheDocument();
  });

  it("keeps the last balance and reports the error when a refresh fails", async () => {
    let fail = false;
    const api = fakeApi({
      balance: () => fail
        ? Promise.reject(new Error("CineWeave can't be reached right now."))
        : Promise.resolve(balance({ credits: 4 })),
    });
    show(api, signedIn());
    await screen.findByText("4/0");
    fail = true;
    await userEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect(await screen.findByText("CineWeave can't be reached right now.")).toBeInTheDocument();
    expect(screen.getByTestId("credits")).toHaveTextContent("4/0");
  });
});
