import type { FieldProblem } from "./form";

/** A refusal shown beside its field; the field names this element in aria-describedby. */
export function FieldError({ id, problem }: { id: string; problem: FieldProblem | null }) {
  if (!problem) return null;
  return (
    <span id={id} className="field-error" role="alert" data-testid={`${problem.field}-error`}>
      {problem.message}
      {problem.categories.length > 0 && <span className="categories"> Flagged: {problem.categories.join(", ")}</span>}
    </span>
  );
}
