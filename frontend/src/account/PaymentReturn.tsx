import { useEffect, useState } from "react";
import type { Payment } from "../api/types";
import { useCredits } from "../app/credits";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { credits } from "../format";

const SETTLED = ["executed", "settled"];
const POLL_MS = 2000;
const GIVE_UP_AFTER = 30; // polls: a minute; the webhook still grants later, the page just stops waiting

/** Back from the payment page: wait for the webhook's verdict and say it. */
export function PaymentReturn({ paymentId }: { paymentId: string }) {
  const api = useApi();
  const { refresh } = useCredits();
  const [payment, setPayment] = useState<Payment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [gaveUp, setGaveUp] = useState(false);

  useEffect(() => {
    let polls = 0;
    let timer = 0;
    let stopped = false;
    const check = async () => {
      try {
        const current = await api.payment(paymentId);
        if (stopped) return;
        setPayment(current);
        setError(null);
        if (SETTLED.includes(current.status)) {
          void refresh();
          return;
        }
        if (current.status === "failed") return;
      } catch (exc) {
        if (stopped) return;
        setError((exc as Error).message);
      }
      if (++polls >= GIVE_UP_AFTER) setGaveUp(true);
      else timer = window.setTimeout(() => void check(), POLL_MS);
    };
    void check();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [api, paymentId, refresh]);

  if (error && !payment) return <Notice>{error}</Notice>;
  if (!payment) return <Notice kind="info">Checking your payment…</Notice>;
  if (SETTLED.includes(payment.status)) {
    return <Notice kind="success">Payment received: {credits(payment.credits)} added to your balance.</Notice>;
  }
  if (payment.status === "failed") {
    return <Notice>The payment did not go through{payment.failureReason ? ` (${payment.failureReason})` : ""}; nothing was charged.</Notice>;
  }
  if (gaveUp) {
    return <Notice kind="info">Your bank has not confirmed the payment yet; the credits arrive as soon as it does.</Notice>;
  }
  return <Notice kind="info">Waiting for your bank to confirm the payment…</Notice>;
}
