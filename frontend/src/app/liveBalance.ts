// The balance as the user's own users/{uid} document holds it, in the shape GET /api/credits answers with.
// The document is read as it is stored (shared/adapters/firestore.py): credits, reserved, plan, renewsAt.
import type { Balance } from "../api/types";
import type { TimestampLike } from "../firebase";

const count = (value: unknown) => (typeof value === "number" ? value : 0);

function isTimestamp(value: unknown): value is TimestampLike {
  return typeof (value as TimestampLike | null)?.toDate === "function";
}

export function balanceFromDocument(doc: Record<string, unknown>): Balance {
  return {
    credits: count(doc.credits),
    reserved: count(doc.reserved),
    plan: typeof doc.plan === "string" ? doc.plan : null,
    renewsAt: isTimestamp(doc.renewsAt) ? doc.renewsAt.toDate().toISOString() : null,
  };
}
