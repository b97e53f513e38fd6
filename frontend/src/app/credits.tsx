// The balance is shown in the header and used by the create form; one copy, refreshed after anything
// that changes it.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import type { Balance } from "../api/types";
import { useApi, useSession } from "./services";

interface CreditsState {
  balance: Balance | null;
  error: string | null;
  refresh: () => Promise<void>;
}

const CreditsContext = createContext<CreditsState>({ balance: null, error: null, refresh: async () => {} });

export function CreditsProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const { user } = useSession();
  const [balance, setBalance] = useState<Balance | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    if (!user) {
      setBalance(null);
      return;
    }
    try {
      setBalance(await api.balance());
      setError(null);
    } catch (exc) {
      setError((exc as Error).message);
    }
  }, [api, user]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return <CreditsContext.Provider value={{ balance, error, refresh }}>{children}</CreditsContext.Provider>;
}

export function useCredits(): CreditsState {
  return useContext(CreditsContext);
}
