// Set-up through the local stack's own doors: the Auth emulator's REST API (as `make_admin` uses it) and
// the CineWeave API. Only what a test can't reasonably do through the page goes here.
const AUTH = process.env.CINEWEAVE_AUTH_EMULATOR ?? "http://127.0.0.1:9099";
const API = process.env.CINEWEAVE_URL ?? "http://127.0.0.1:8080";
const PROJECT = "demo-cineweave";
const KEY = "fake-api-key";

export interface Account {
  uid: string;
  email: string;
  password: string;
  idToken: string;
}

async function identity(path: string, body: object, owner = false): Promise<Record<string, string>> {
  const response = await fetch(`${AUTH}/identitytoolkit.googleapis.com/v1/${path}?key=${KEY}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(owner ? { Authorization: "Bearer owner" } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, string>;
}

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export async function signIn(email: string, password: string): Promise<Account> {
  const answer = await identity("accounts:signInWithPassword", { email, password, returnSecureToken: true });
  return { uid: answer.localId, email, password, idToken: answer.idToken };
}

/** A new account; with `admin` it carries the admin claim (and its token is fetched after that). */
export async function createAccount(tag: string, admin = false): Promise<Account> {
  const email = uniqueEmail(tag);
  const password = "correct-horse-42";
  const created = await identity("accounts:signUp", { email, password, returnSecureToken: true });
  if (admin) {
    await identity(`projects/${PROJECT}/accounts:update`,
      { localId: created.localId, customAttributes: JSON.stringify({ admin: true }) }, true);
  }
  return signIn(email, password);
}

export async function api<T>(method: string, path: string, token: string, body?: object): Promise<T> {
  const response = await fetch(`${API}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function grantCredits(admin: Account, uid: string, delta: number): Promise<void> {
  await api("POST", `/api/admin/users/${uid}/credits`, admin.idToken, { delta, reason: "browser test grant" });
}
