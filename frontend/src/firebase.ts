// One Firebase app for the page: Auth for sign-in, and Firestore only to listen to the signed-in user's own
// documents (users/{uid} for the balance, jobs/{jobId} on a job page). Firestore is most of the SDK's
// weight, so it loads in its own chunk once someone has signed in, not with the sign-in page.
import { initializeApp, type FirebaseApp } from "firebase/app";
import { connectAuthEmulator, getAuth, type Auth } from "firebase/auth";
import type { AppConfig } from "./config";

export type Unsubscribe = () => void;

/** A Firestore Timestamp as the documents hold one. */
export interface TimestampLike {
  toDate(): Date;
}

/** A stored timestamp as an ISO string; null for anything that is not one (null, a missing field). */
export function timestampIso(value: unknown): string | null {
  return typeof (value as TimestampLike | null)?.toDate === "function" ? (value as TimestampLike).toDate().toISOString() : null;
}

/** Live reads of single documents the rules let the user see. */
export interface LiveDocuments {
  watch(collection: string, id: string, onData: (data: Record<string, unknown> | null) => void,
    onError: (error: Error) => void): Unsubscribe;
}

export interface FirebaseHandles {
  app: FirebaseApp;
  auth: Auth;
  liveDocuments: () => Promise<LiveDocuments>;
}

export function startFirebase(config: AppConfig): FirebaseHandles {
  const app = initializeApp(config.firebase);
  const auth = getAuth(app);
  if (config.emulators) connectAuthEmulator(auth, config.emulators.auth, { disableWarnings: true });
  let live: Promise<LiveDocuments> | null = null;
  const liveDocuments = () => (live ??= connectFirestore(app, config));
  return { app, auth, liveDocuments };
}

async function connectFirestore(app: FirebaseApp, config: AppConfig): Promise<LiveDocuments> {
  const { connectFirestoreEmulator, doc, getFirestore, onSnapshot } = await import("firebase/firestore");
  const db = getFirestore(app);
  if (config.emulators) connectFirestoreEmulator(db, config.emulators.firestore.host, config.emulators.firestore.port);
  return {
    watch: (collection, id, onData, onError) =>
      onSnapshot(doc(db, collection, id), (snapshot) => onData(snapshot.exists() ? snapshot.data() : null), onError),
  };
}
