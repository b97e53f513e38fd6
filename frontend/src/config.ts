// Runtime configuration: /app-config.json sits beside the built app (the local stack serves its own), so one
// build runs against the emulators or a real Firebase project without rebuilding.

export interface AppConfig {
  firebase: { apiKey: string; authDomain: string; projectId: string; appId?: string };
  emulators?: { auth: string; firestore: { host: string; port: number } };
  googleSignIn: boolean;
  environment: string;
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<AppConfig> {
  let response: Response;
  try {
    response = await fetchImpl("/app-config.json", { cache: "no-store" });
  } catch {
    throw new Error("CineWeave could not load its configuration; check your connection and reload the page.");
  }
  if (!response.ok) {
    throw new Error(`CineWeave could not load its configuration (HTTP ${response.status}); reload the page.`);
  }
  const config = (await response.json()) as Partial<AppConfig>;
  if (!config.firebase?.apiKey || !config.firebase.projectId) {
    throw new Error("CineWeave's configuration is missing the Firebase project; the operator must fix app-config.json.");
  }
  return { googleSignIn: false, environment: "production", ...config } as AppConfig;
}
