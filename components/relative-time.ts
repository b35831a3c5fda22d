const UNITS = [
  { unit: "year", ms: 365 * 24 * 60 * 60 * 1_000 },
  { unit: "month", ms: 30 * 24 * 60 * 60 * 1_000 },
  { unit: "day", ms: 24 * 60 * 60 * 1_000 },
  { unit: "hour", ms: 60 * 60 * 1_000 },
  { unit: "minute", ms: 60 * 1_000 },
] as const;

/**
 * "3 hours ago", "in 12 days", "just now": `value` relative to `now`. Both are
 * passed in (the server's clock at render), so server and browser print the
 * same words.
 */
export function formatRelative(value: Date | string, now: Date | string): string {
  const diff = new Date(value).getTime() - new Date(now).getTime();
  const abs = Math.abs(diff);
  for (const { unit, ms } of UNITS) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      const text = `${n} ${unit}${n === 1 ? "" : "s"}`;
      return diff < 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return diff < 0 ? "just now" : "in under a minute";
}
