import { cx } from "@/components/ui/cx";
import type { CheckedLine } from "./line-check";

/**
 * The lines as they will be stored, each marked valid (with its canonical
 * form, and the original when they differ) or invalid (with what was expected).
 */
export function CheckedLines({ checked, expected, label, className }: { checked: CheckedLine[]; expected: string; label?: string; className?: string }) {
  return (
    <ul aria-label={label} className={cx("space-y-0.5 overflow-y-auto text-xs", className)}>
      {checked.map((entry) => (
        <li key={entry.line} className="flex min-w-0 items-baseline gap-1.5">
          <span aria-hidden="true" className={entry.canonical ? "text-emerald-600" : "text-red-600"}>
            {entry.canonical ? "✓" : "✗"}
          </span>
          {entry.canonical ? (
            <span className="min-w-0 truncate">
              <code className="text-xs text-zinc-900">{entry.canonical}</code>
              {entry.canonical !== entry.text ? <span className="text-zinc-500"> (from {entry.text})</span> : null}
            </span>
          ) : (
            <span className="min-w-0 truncate text-red-700">
              Line {entry.line}: <code className="text-xs">{entry.text}</code> is not {expected}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
