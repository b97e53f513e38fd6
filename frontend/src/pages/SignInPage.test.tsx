import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppConfig } from "../config";
import type { FirebaseHandles } from "../firebase";
import type { Session } from "../app/services";
import { renderWithServices, signedIn } from "../test/fakes";
import { SignInPage } from "./SignInPage";

const auth = vi.hoisted(() => ({
  signIn: vi.fn(),
  signUp: vi.fn(),
  popup: vi.fn(),
}));
vi.mock("firebase/auth", () => ({
  signInWithEmailAndPassword: auth.signIn,
  createUserWithEmailAndPassword: auth.signUp,
  signInWithPopup: auth.popup,
  GoogleAuthProvider: class {},
}));

const firebase = { auth: { name: "fake-auth" } } as unknown as FirebaseHandles;
const config = (googleSignIn = false) => ({ googleSignIn }) as AppConfig;
const signedOut: Session = { ready: true, user: null, admin: false };

beforeEach(() => {
  auth.signIn.mockReset().mockResolvedValue({});
  auth.signUp.mockReset().mockResolvedValue({});
  auth.popup.mockReset().mockResolvedValue({});
});

function open(options: { route?: string; google?: boolean; session?: Session } = {}) {
  return renderWithServices(<SignInPage />, {
    services: { firebase, config: config(options.google) }, session: options.session ?? signedOut,
    route: options.route ?? "/signin", path: "/signin", credits: false,
  });
}

async function fill(email: string, password: string) {
  await userEvent.type(screen.getByLabelText("Email"), email);
  await userEvent.type(screen.getByLabelText("Password"), password);
}

describe("SignInPage", () => {
  it("signs in with the trimmed email and the password", async () => {
    open();
    await fill(" ada@example.com ", "secret1");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(auth.signIn).toHaveBeenCalledWith(firebase.auth, "ada@example.com", "secret1");
    expect(auth.signUp).not.toHaveBeenCalled();
  });

  it("shows a sentence, not a Firebase code, when sign-in fails", async () => {
    auth.signIn.mockRejectedValue({ code: "auth/invalid-credential" });
    open();
    await fill("ada@example.com", "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("That email and password don't match an account.");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("creates an account in sign-up mode", async () => {
    open();
    await userEvent.click(screen.getByRole("button", { name: "Create an account" }));
    expect(screen.getByRole("heading", { name: "Create your account" })).toBeInTheDocument();
    await fill("new@example.com", "longenough");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(auth.signUp).toHaveBeenCalledWith(firebase.auth, "new@example.com", "longenough");
    expect(auth.signIn).not.toHaveBeenCalled();
  });

  it("offers Google only when the configuration enables it", () => {
    open();
    expect(screen.queryByRole("button", { name: "Continue with Google" })).not.toBeInTheDocument();
  });

  it("signs in with Google and explains a blocked pop-up", async () => {
    auth.popup.mockRejectedValue({ code: "auth/popup-blocked" });
    open({ google: true });
    await userEvent.click(screen.getByRole("button", { name: "Continue with Google" }));
    expect(auth.popup).toHaveBeenCalledTimes(1);
    expect(await screen.findByRole("alert")).toHaveTextContent("allow pop-ups for this site");
  });

  it("sends a signed-in user on to ?next= inside the app", () => {
    open({ session: signedIn(), route: `/signin?next=${encodeURIComponent("/jobs/job-1?x=1")}` });
    expect(screen.getByTestId("location")).toHaveTextContent("/jobs/job-1?x=1");
  });

  it.each(["//evil.example/phish", "/\\evil.example/phish", "/\t/evil.example", "https://evil.example/", "javascript:alert(1)"])(
    "ignores an outside ?next= (%s) and goes to the dashboard", (next) => {
      open({ session: signedIn(), route: `/signin?next=${encodeURIComponent(next)}` });
      expect(screen.getByTestId("location")).toHaveTextContent(/^\/$/);
    });
});
