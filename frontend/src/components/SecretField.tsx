import { useRef, useState } from "react";

/** A secret in a read-only field with a Copy button. Where the clipboard can't be written (a plain-http host,
 * a refused permission) the text is selected instead, for the person to copy by hand. */
export function SecretField({ label, value }: { label: string; value: string }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);

  const copy = async () => {
    try {
      // Undefined outside secure contexts, whatever the DOM types say.
      const clipboard = navigator.clipboard as Clipboard | undefined;
      if (!clipboard) throw new Error("no clipboard");
      await clipboard.writeText(value);
      setCopied("yes");
    } catch {
      field.current?.focus();
      field.current?.select();
      setCopied("no");
    }
  };

  return (
    <div className="secret-field">
      <input ref={field} className="mono" readOnly value={value} aria-label={label} spellCheck={false}
        onFocus={(event) => event.currentTarget.select()} />
      <button type="button" className="button small" onClick={() => void copy()}>
        {copied === "yes" ? "Copied" : "Copy"}
      </button>
      {copied === "no" && (
        <span className="muted small" role="status">Copying isn't allowed here: the text is selected, press Ctrl+C (⌘C on a Mac).</span>
      )}
    </div>
  );
}
