import { useNow } from "../components/useNow";
import { duration } from "../format";

export function ExpiryCountdown({ expiresAt }: { expiresAt: string }) {
  const now = useNow(1000);
  const left = (new Date(expiresAt).getTime() - now) / 1000;
  if (left <= 0) return <span className="muted">Expired</span>;
  return <span data-testid="expiry">Deleted in {duration(left)}</span>;
}
