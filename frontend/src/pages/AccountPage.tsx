import { useCallback, useEffect } from "react";
import { useSearchParams } from "react-router-dom";
import { ApiKeys } from "../account/ApiKeys";
import { BuyCredits } from "../account/BuyCredits";
import { LedgerTable } from "../account/LedgerTable";
import { PaymentReturn } from "../account/PaymentReturn";
import { WebhookSecret } from "../account/WebhookSecret";
import { useCredits } from "../app/credits";
import { useApi, useSession } from "../app/services";
import { Notice } from "../components/Notice";
import { Spinner } from "../components/Spinner";
import { useAsync } from "../components/useAsync";
import { credits, date, planName } from "../format";

export function AccountPage() {
  const api = useApi();
  const { user } = useSession();
  const { balance, error, refresh } = useCredits();
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const [params] = useSearchParams();
  const paymentId = params.get("paymentId");
  const listing = useAsync(useCallback(() => api.plans(), [api]));
  // The history reloads whenever the balance moves.
  const version = balance ? balance.credits * 1_000_003 + balance.reserved : 0;

  return (
    <section className="account">
      <h1>Account</h1>
      {paymentId && <PaymentReturn paymentId={paymentId} />}
      <Notice>{error}</Notice>
      <div className="stats-row">
        <div className="panel stat">
          <p className="stat-label">Credits</p>
          <p className="stat-value" data-testid="account-credits">{balance ? balance.credits : "—"}</p>
          <p className="muted small">{balance ? `${credits(balance.reserved)} reserved` : ""}</p>
        </div>
        <div className="panel stat">
          <p className="stat-label">Plan</p>
          <p className="stat-value">{planName(balance?.plan)}</p>
          <p className="muted small">{balance?.renewsAt ? `Renews ${date(balance.renewsAt)}` : "Pay as you go"}</p>
        </div>
        <div className="panel stat">
          <p className="stat-label">Signed in as</p>
          <p className="stat-email">{user?.email}</p>
        </div>
      </div>
      {listing.error ? <Notice>{listing.error}</Notice> : listing.data ? (
        <BuyCredits listing={listing.data} balance={balance} />
      ) : <Spinner label="Loading plans" />}
      <LedgerTable version={version} />
      <ApiKeys />
      <WebhookSecret />
    </section>
  );
}
