import { lazy, Suspense, useCallback } from "react";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { Spinner } from "../components/Spinner";
import { useAsync } from "../components/useAsync";
import { QuickStart } from "../docs/QuickStart";

const ApiReference = lazy(() => import("../docs/ApiReference"));

/** /docs: the quick start, then the reference rendered from the server's own OpenAPI document. */
export function DocsPage() {
  const api = useApi();
  const openapi = useAsync(useCallback(() => api.request<object>("GET", "/api/openapi.json"), [api]));
  const base = window.location.origin;

  return (
    <section className="docs">
      <h1>CineWeave API</h1>
      <p className="lead">
        Everything the web app does goes through this JSON API, at <code>{base}</code>. Your own code calls it
        with an API key; the OpenAPI 3.1 document is at <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>
      <QuickStart base={base} />
      <h2 className="reference-title">Reference</h2>
      <Notice>{openapi.error && `The API reference can't be shown: ${openapi.error}`}</Notice>
      {openapi.data ? (
        <div className="reference" data-testid="api-reference">
          <Suspense fallback={<Spinner label="Loading the API reference" />}>
            <ApiReference spec={openapi.data} />
          </Suspense>
        </div>
      ) : openapi.loading && <Spinner label="Loading the API reference" />}
    </section>
  );
}
