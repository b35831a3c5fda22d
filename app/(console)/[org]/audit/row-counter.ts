const LF = 0x0a;
const QUOTE = 0x22;

/**
 * Counts the records of a download as its bytes arrive: JSON Lines ends each
 * with a line feed; CSV ends each with CRLF outside quotes (a quoted cell may
 * hold line breaks, and "" inside quotes toggles twice). The CSV header is not
 * counted. Returns the running total after each chunk.
 */
export function rowCounter(format: "csv" | "jsonl"): (chunk: Uint8Array) => number {
  let lines = 0;
  let quoted = false;
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (format === "csv" && byte === QUOTE) quoted = !quoted;
      else if (byte === LF && !quoted) lines++;
    }
    return format === "csv" ? Math.max(0, lines - 1) : lines;
  };
}
