// The balance as the user's own users/{uid} document holds it, in the shape GET /api/credits answers with.
// The document is read as it is stored (shared/adapters/firestore.py): credits, reserved, plan, renewsAt.
import type { Balance } from "../api/types";
import { timestampIso } from "../firebase";

const count = (value: unknown) => (typeof value === "number" ? value : 0);

export function balanceFromDocument(doc: Record<string, unknown>): Balance {
  return {
    credits: count(doc.credits),
    reserved: count(doc.reserved),
    plan: typeof doc.plan === "string" ? doc.plan : null,
    renewsAt: timestampIso(doc.renewsAt),
  };
}
