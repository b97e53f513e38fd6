// The balance is shown in the header, on the dashboard and the account page, and used by the create form;
// one copy for all of them. After sign-in it follows the user's own users/{uid} document live (a grant, a
// payment or a refund shows within seconds); until the first snapshot, or when the listener fails, it is
// GET /api/credits's answer, read again on refresh.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { Balance } from "../api/types";
import type { Unsubscribe } from "../firebase";
import { balanceFromDocument } from "./liveBalance";
import { useServices, useSession } from "./services";

interface CreditsState {
  balance: Balance | null;
  error: string | null;
  refresh: () => Promise<void>;
}

const CreditsContext = createContext<CreditsState>({ balance: null, error: null, refresh: async () => {} });

export function CreditsProvider({ children }: { children: ReactNode }) {
  const { api, firebase } = useServices();
  const { user } = useSession();
  const uid = user?.uid ?? null;
  const [balance, setBalance] = useState<Balance | null>(null);
  const [error, setError] = useState<string | null>(null);
  // True while snapshots of the document arrive: they are at least as new as any API answer in flight.
  const live = useRef(false);

  const refresh = useCallback(async () => {
    if (!uid) {
      setBalance(null);
      return;
    }
    if (live.current) return;
    try {
      const answer = await api.balance();
      if (!live.current) setBalance(answer);
      setError(null);
    } catch (exc) {
      if (!live.current) setError((exc as Error).message);
    }
  }, [api, uid]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!uid) return;
    let stopped = false;
    let unsubscribe: Unsubscribe = () => {};
    const onData = (data: Record<string, unknown> | null) => {
      // No document yet: the first API read registers the account, and its write brings a snapshot.
      if (stopped || !data) return;
      live.current = true;
      setBalance(balanceFromDocument(data));
      setError(null);
    };
    // Refused, offline or the chunk failed to load: the API's answer stands and refresh reads it again.
    const fallBack = () => {
      live.current = false;
    };
    firebase.liveDocuments().then((docs) => {
      if (!stopped) unsubscribe = docs.watch("users", uid, onData, fallBack);
    }, fallBack);
    return () => {
      stopped = true;
      live.current = false;
      unsubscribe();
    };
  }, [firebase, uid]);

  return <CreditsContext.Provider value={{ balance, error, refresh }}>{children}</CreditsContext.Provider>;
}

export function useCredits(): CreditsState {
  return useContext(CreditsContext);
}
