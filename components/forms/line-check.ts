/** One non-blank line of a one-entry-per-line field, with the form it will be stored in (null: invalid). */
export interface CheckedLine {
  line: number;
  text: string;
  canonical: string | null;
}

/** Each non-blank line with its canonical form. */
export function checkLines(text: string, canonical: (line: string) => string | null): CheckedLine[] {
  return text
    .split("\n")
    .map((raw, index) => ({ line: index + 1, text: raw.trim() }))
    .filter((entry) => entry.text !== "")
    .map((entry) => ({ ...entry, canonical: canonical(entry.text) }));
}

/** "3 valid entries." or "2 invalid: lines 1, 4." */
export function linesSummary(checked: CheckedLine[], noun: [string, string]): string {
  const invalid = checked.filter((entry) => entry.canonical === null);
  if (invalid.length > 0) return `${invalid.length} invalid: line${invalid.length === 1 ? "" : "s"} ${invalid.map((entry) => entry.line).join(", ")}.`;
  return `${checked.length} valid ${checked.length === 1 ? noun[0] : noun[1]}.`;
}
