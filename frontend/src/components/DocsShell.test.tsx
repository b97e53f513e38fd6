import { screen } from "@testing-library/react";
import { Route, Routes } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { renderWithServices, signedIn } from "../test/fakes";
import { DocsShell } from "./DocsShell";

function open(session = signedIn()) {
  return renderWithServices(
    <Routes><Route element={<DocsShell />}><Route index element={<p>The docs</p>} /></Route></Routes>,
    { route: "/docs", path: "/docs/*", session },
  );
}

describe("DocsShell", () => {
  it("shows the docs to a visitor who is not signed in, with a way to sign in", () => {
    open(signedIn({ user: null }));
    expect(screen.getByText("The docs")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/signin");
    expect(screen.queryByRole("button", { name: "Sign out" })).not.toBeInTheDocument();
  });

  it("puts the docs in the app's layout for a signed-in user", () => {
    open();
    expect(screen.getByText("The docs")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Account" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign out" })).toBeInTheDocument();
  });

  it("waits for the session", () => {
    open(signedIn({ ready: false, user: null }));
    expect(screen.getByRole("status")).toHaveTextContent("Loading");
    expect(screen.queryByText("The docs")).not.toBeInTheDocument();
  });
});
