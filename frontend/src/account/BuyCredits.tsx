import { useState } from "react";
import { newIdempotencyKey } from "../api/client";
import { secondsPerCredit } from "../api/limits";
import type { Balance, PlanListing, Redirect } from "../api/types";
import { Notice } from "../components/Notice";
import { useApi } from "../app/services";
import { credits, money } from "../format";

/** Plans and top-ups: ask the API for a payment, then go to the payment page it names. */
export function BuyCredits({ listing, balance }: { listing: PlanListing; balance: Balance | null }) {
  const api = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { topup } = listing;
  const [topupCredits, setTopupCredits] = useState(String(Math.max(topup.minCredits, 40)));
  const amount = /^\d+$/.test(topupCredits.trim()) ? Number(topupCredits.trim()) : NaN;
  const topupValid = Number.isInteger(amount) && amount >= topup.minCredits && amount <= topup.maxCredits;
  const disabled = !listing.paymentsEnabled || busy !== null;
  const perCredit = secondsPerCredit(listing.jobLimits);

  const go = async (what: string, start: () => Promise<Redirect>) => {
    setBusy(what);
    setError(null);
    try {
      const { paymentId, redirectUrl } = await start();
      // A top-up charged to a subscriber's mandate has no payment page: it is followed where one returns to.
      window.location.assign(redirectUrl ?? `/account?paymentId=${encodeURIComponent(paymentId)}`);
    } catch (exc) {
      setError((exc as Error).message);
      setBusy(null);
    }
  };

  return (
    <div className="panel">
      <h2>Buy credits</h2>
      {!listing.paymentsEnabled && (
        <Notice kind="info">Payments are not configured on this server yet. An admin can still add credits to your account.</Notice>
      )}
      <Notice>{error}</Notice>
      <div className="plan-grid">
        {listing.plans.map((plan) => {
          const current = balance?.plan === plan.id;
          return (
            <div key={plan.id} className={`plan-card ${current ? "current" : ""}`} data-testid={`plan-${plan.id}`}>
              <h3>{plan.name}</h3>
              <p className="plan-price">{money(plan.priceMinor, plan.currency)}<span className="muted small"> / month</span></p>
              <p>{credits(plan.creditsPerMonth)} a month{perCredit ? ` · ${plan.creditsPerMonth * perCredit} s of video` : ""}</p>
              <button type="button" className="button primary" disabled={disabled || Boolean(balance?.plan)}
                onClick={() => void go(plan.id, () => api.subscribe(plan.id, newIdempotencyKey()))}>
                {current ? "Your plan" : busy === plan.id ? "Opening payment…" : `Choose ${plan.name}`}
              </button>
            </div>
          );
        })}
      </div>
      <p className="muted small">{listing.creditPolicy}</p>
      <form className="topup" onSubmit={(e) => { e.preventDefault(); if (topupValid) void go("topup", () => api.topup(amount, newIdempotencyKey())); }}>
        <label className="field">
          <span>Top up credits ({topup.minCredits}–{topup.maxCredits})</span>
          <input type="number" min={topup.minCredits} max={topup.maxCredits} step={1} value={topupCredits}
            onChange={(e) => setTopupCredits(e.target.value)} />
        </label>
        <span className="topup-price">
          {topupValid ? money(amount * topup.priceMinorPerCredit, topup.currency) : `Choose ${topup.minCredits} to ${topup.maxCredits}`}
        </span>
        <button type="submit" className="button" disabled={disabled || !topupValid}>
          {busy === "topup" ? "Opening payment…" : "Top up"}
        </button>
      </form>
    </div>
  );
}
