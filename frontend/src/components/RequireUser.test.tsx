import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithServices, signedIn } from "../test/fakes";
import { RequireUser } from "./RequireUser";

const page = <RequireUser><p>Secret dashboard</p></RequireUser>;

describe("RequireUser", () => {
  it("waits while the session is not known yet", () => {
    renderWithServices(page, { session: { ready: false, user: null, admin: false }, route: "/create", credits: false });
    expect(screen.getByRole("status")).toHaveTextContent("Signing you in…");
    expect(screen.queryByText("Secret dashboard")).not.toBeInTheDocument();
  });

  it("sends a signed-out visitor to sign in, remembering where they were going", () => {
    renderWithServices(page, {
      session: { ready: true, user: null, admin: false }, route: "/create?from=job-1", path: "/create", credits: false,
    });
    expect(screen.getByTestId("location")).toHaveTextContent(`/signin?next=${encodeURIComponent("/create?from=job-1")}`);
    expect(screen.queryByText("Secret dashboard")).not.toBeInTheDocument();
  });

  it("shows the page to a signed-in user", () => {
    renderWithServices(page, { session: signedIn(), route: "/create", credits: false });
    expect(screen.getByText("Secret dashboard")).toBeInTheDocument();
  });
});
