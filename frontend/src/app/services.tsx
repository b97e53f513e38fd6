// The page's composition root: configuration, Firebase, the API client and the signed-in user, given to
// every component through context so that tests can hand in their own.
import { onIdTokenChanged, type User } from "firebase/auth";
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { ApiClient } from "../api/client";
import type { AppConfig } from "../config";
import type { FirebaseHandles } from "../firebase";

export interface Services {
  config: AppConfig;
  firebase: FirebaseHandles;
  api: ApiClient;
}

export interface Session {
  ready: boolean;
  user: User | null;
  admin: boolean;
}

const ServicesContext = createContext<Services | null>(null);
const SessionContext = createContext<Session>({ ready: false, user: null, admin: false });

export function makeServices(config: AppConfig, firebase: FirebaseHandles): Services {
  const token = async () => (firebase.auth.currentUser ? firebase.auth.currentUser.getIdToken() : null);
  return { config, firebase, api: new ApiClient(token) };
}

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  const [session, setSession] = useState<Session>({ ready: false, user: null, admin: false });
  useEffect(() => {
    const follow = async (user: User | null) => {
      if (!user) {
        setSession({ ready: true, user: null, admin: false });
        return;
      }
      const token = await user.getIdTokenResult();
      setSession({ ready: true, user, admin: token.claims.admin === true });
    };
    // The ID token carries the admin claim; it changes on sign-in, sign-out and refresh.
    return onIdTokenChanged(services.firebase.auth, (user) => void follow(user));
  }, [services]);
  return (
    <ServicesContext.Provider value={services}>
      <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
    </ServicesContext.Provider>
  );
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices must be used inside ServicesProvider");
  return services;
}

export function useApi(): ApiClient {
  return useServices().api;
}

export function useSession(): Session {
  return useContext(SessionContext);
}

/** For tests: a session without Firebase. */
export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  const value = useMemo(() => session, [session]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function TestServicesProvider({ services, session, children }: {
  services: Partial<Services>; session: Session; children: ReactNode;
}) {
  return (
    <ServicesContext.Provider value={services as Services}>
      <SessionProvider session={session}>{children}</SessionProvider>
    </ServicesContext.Provider>
  );
}
