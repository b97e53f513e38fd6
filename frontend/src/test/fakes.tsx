// Shared fixtures for component tests: API answers shaped like the real ones, a fake API object, live
// Firestore documents a test pushes snapshots into, and a render helper that hands them to the component
// tree through TestServicesProvider.
import { act, render, type RenderResult } from "@testing-library/react";
import type { User } from "firebase/auth";
import type { ReactElement, ReactNode } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { vi, type Mock } from "vitest";
import type { ApiClient } from "../api/client";
import type { Balance, Job, JobLimits, PlanListing } from "../api/types";
import { CreditsProvider } from "../app/credits";
import { KnownJobLimits } from "../app/limits";
import { TestServicesProvider, type Services, type Session } from "../app/services";
import type { FirebaseHandles, LiveDocuments } from "../firebase";

// The API's answers under its default settings: its three plans, prices at the default rate of 0.80 minor
// units per US cent, its job limits and its wording.
export const LIMITS: JobLimits = {
  promptMaxChars: 2000,
  durations: [
    { durationSec: 5, credits: 1 },
    { durationSec: 10, credits: 2 },
    { durationSec: 15, credits: 3 },
  ],
  aspectRatios: ["16:9", "9:16"],
  maxActiveJobs: 5,
  upload: { contentTypes: ["image/jpeg", "image/png", "image/webp"], maxBytes: 10 * 1024 * 1024 },
  videoTtlHours: 24,
  maxSeed: 2147483647,
};

export function listing(overrides: Partial<PlanListing> = {}): PlanListing {
  return {
    plans: [
      { id: "starter", name: "Starter", creditsPerMonth: 80, priceUsdCents: 1000, priceMinor: 800, currency: "GBP" },
      { id: "creator", name: "Creator", creditsPerMonth: 250, priceUsdCents: 3100, priceMinor: 2480, currency: "GBP" },
      { id: "studio", name: "Studio", creditsPerMonth: 500, priceUsdCents: 6000, priceMinor: 4800, currency: "GBP" },
    ],
    topup: { priceMinorPerCredit: 20, currency: "GBP", usdCentsPerCredit: 25, minCredits: 10, maxCredits: 2000 },
    creditPolicy: "Unused credits roll over: each renewal adds the plan's credits to your balance; credits never expire.",
    jobLimits: LIMITS,
    paymentsEnabled: true,
    ...overrides,
  };
}

export function balance(overrides: Partial<Balance> = {}): Balance {
  return { credits: 10, reserved: 0, plan: null, renewsAt: null, ...overrides };
}

export function job(overrides: Partial<Job> = {}): Job {
  return {
    jobId: "job-1",
    status: "queued",
    stage: "queued",
    progress: 0,
    prompt: "A paper boat on a rainy street",
    negativePrompt: null,
    imageKey: null,
    durationSec: 5,
    aspectRatio: "16:9",
    width: null,
    height: null,
    fps: null,
    seed: 1234,
    creditsUsed: 1,
    creditsRefunded: 0,
    createdAt: "2025-03-01T10:00:00+00:00",
    startedAt: null,
    finishedAt: null,
    expiresAt: null,
    ...overrides,
  };
}

type ApiMethods = {
  [K in keyof ApiClient as ApiClient[K] extends (...args: never[]) => unknown ? K : never]: ApiClient[K];
};

export type FakeApi = { [K in keyof ApiMethods]: Mock<ApiMethods[K]> };

/** Every API method as a vi.fn(); the defaults answer like a fresh account, `overrides` replace any of them. */
export function fakeApi(overrides: Partial<{ [K in keyof ApiMethods]: ApiMethods[K] }> = {}): FakeApi {
  const never = () => new Promise<never>(() => {});
  const api: Record<string, Mock> = {
    request: vi.fn(never),
    createJob: vi.fn(() => Promise.resolve({ jobId: "job-new", status: "queued" as const, creditsReserved: 1, creditsRemaining: 9 })),
    job: vi.fn((jobId: string) => Promise.resolve(job({ jobId }))),
    jobs: vi.fn(() => Promise.resolve({ items: [], nextCursor: null })),
    cancelJob: vi.fn((jobId: string) => Promise.resolve(job({ jobId, status: "canceled" }))),
    createUpload: vi.fn(never),
    balance: vi.fn(() => Promise.resolve(balance())),
    ledger: vi.fn(() => Promise.resolve({ items: [], nextCursor: null })),
    plans: vi.fn(() => Promise.resolve(listing())),
    subscribe: vi.fn(() => Promise.resolve({ paymentId: "pay-1", redirectUrl: "https://pay.example/checkout/pay-1" })),
    topup: vi.fn(() => Promise.resolve({ paymentId: "pay-2", redirectUrl: "https://pay.example/checkout/pay-2" })),
    payment: vi.fn(never),
    apiKeys: vi.fn(() => Promise.resolve([])),
    createApiKey: vi.fn(never),
    deleteApiKey: vi.fn(() => Promise.resolve()),
    webhookSecret: vi.fn(() => Promise.resolve({ secret: "whsec_c2VjcmV0LXNpZ25pbmcta2V5" })),
    rotateWebhookSecret: vi.fn(never),
    adminOverview: vi.fn(never),
    adminJobs: vi.fn(() => Promise.resolve({ items: [], nextCursor: null })),
    adminUsers: vi.fn(() => Promise.resolve({ items: [], nextCursor: null })),
    adminModeration: vi.fn(() => Promise.resolve({ perDay: [], items: [], nextCursor: null })),
    adjustCredits: vi.fn(() => Promise.resolve({ credits: 0 })),
  };
  for (const [name, impl] of Object.entries(overrides)) api[name] = vi.fn(impl as (...args: unknown[]) => unknown);
  return api as unknown as FakeApi;
}

type Listener = { onData: (data: Record<string, unknown> | null) => void; onError: (error: Error) => void };

/** Live documents by path ("users/user-1"): a test sees what is watched and pushes snapshots or errors. */
export class FakeLiveDocuments implements LiveDocuments {
  private listeners = new Map<string, Listener>();
  readonly stopped: string[] = [];

  watch(collection: string, id: string, onData: Listener["onData"], onError: Listener["onError"]) {
    const path = `${collection}/${id}`;
    const listener = { onData, onError };
    this.listeners.set(path, listener);
    return () => {
      if (this.listeners.get(path) === listener) this.listeners.delete(path);
      this.stopped.push(path);
    };
  }

  watching(): string[] {
    return [...this.listeners.keys()];
  }

  push(path: string, data: Record<string, unknown> | null): void {
    const listener = this.listeners.get(path);
    if (!listener) throw new Error(`nothing watches ${path}; watched: ${this.watching().join(", ")}`);
    act(() => listener.onData(data));
  }

  fail(path: string, error = new Error("Missing or insufficient permissions.")): void {
    const listener = this.listeners.get(path);
    if (!listener) throw new Error(`nothing watches ${path}`);
    act(() => listener.onError(error));
  }
}

/** Firebase as far as components use it; without `live`, Firestore never finishes loading. */
export function fakeFirebase(live?: LiveDocuments): FirebaseHandles {
  const liveDocuments = () => (live ? Promise.resolve(live) : new Promise<LiveDocuments>(() => {}));
  return { auth: { name: "fake-auth" }, liveDocuments } as unknown as FirebaseHandles;
}

/** A Firestore Timestamp in a pushed document. */
export function timestamp(iso: string) {
  return { toDate: () => new Date(iso) };
}

/** A signed-in Firebase user as far as the app reads one; hand in `getIdToken` to watch the token requests. */
export function fakeUser(getIdToken = vi.fn<User["getIdToken"]>(() => Promise.resolve("token"))): User {
  return { uid: "user-1", email: "ada@example.com", getIdToken } as unknown as User;
}

export function signedIn(overrides: Partial<Session> = {}): Session {
  return { ready: true, user: fakeUser(), admin: false, ...overrides };
}

/** Shows where the router is, so a test can see a navigation happen. */
export function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

interface RenderOptions {
  api?: FakeApi;
  session?: Session;
  services?: Partial<Services>;
  /** The address the router starts at. */
  route?: string;
  /** The route pattern `ui` is mounted on (e.g. "/jobs/:jobId"); other paths show a probe. */
  path?: string;
  /** Wrap in CreditsProvider, which reads api.balance() for the signed-in session. */
  credits?: boolean;
  /** The job limits the texts outside the create form quote (LIMITS unless given; null: not known). */
  limits?: JobLimits | null;
}

export function renderWithServices(ui: ReactElement, options: RenderOptions = {}): RenderResult & { api: FakeApi } {
  const api = options.api ?? fakeApi();
  const session = options.session ?? signedIn();
  const route = options.route ?? "/";
  const path = options.path ?? route.split("?")[0];
  const services = { api: api as unknown as ApiClient, firebase: fakeFirebase(), ...options.services };
  const wrap = (element: ReactNode) => {
    const tree = (
      <MemoryRouter initialEntries={[route]}>
        <Routes>
          <Route path={path} element={element} />
          <Route path="*" element={<LocationProbe />} />
        </Routes>
      </MemoryRouter>
    );
    const limited = <KnownJobLimits limits={options.limits === undefined ? LIMITS : options.limits}>{tree}</KnownJobLimits>;
    return (
      <TestServicesProvider services={services} session={session}>
        {options.credits === false ? limited : <CreditsProvider>{limited}</CreditsProvider>}
      </TestServicesProvider>
    );
  };
  const result = render(wrap(ui));
  // Re-rendering keeps the same providers around the new element.
  return { ...result, rerender: (next: ReactNode) => result.rerender(wrap(next)), api };
}
