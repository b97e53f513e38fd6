import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ApiClient } from "../api/client";
import { balance, fakeApi, signedIn, type FakeApi } from "../test/fakes";
import { CreditsProvider, useCredits } from "./credits";
import { TestServicesProvider, type Session } from "./services";

function Probe() {
  const { balance: current, error, refresh } = useCredits();
  return (
    <div>
      <p data-testid="credits">{current ? `${current.credits}/${current.reserved}` : "none"}</p>
      <p data-testid="error">{error ?? ""}</p>
      <button type="button" onClick={() => void refresh()}>Refresh</button>
    </div>
  );
}

function show(api: FakeApi, session: Session) {
  return render(
    <TestServicesProvider services={{ api: api as unknown as ApiClient }} session={session}>
      <CreditsProvider><Probe /></CreditsProvider>
    </TestServicesProvider>,
  );
}

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
