/**
 * An incremental server-sent-events splitter over bytes. Each complete event
 * comes back with its exact raw bytes (so a relay can forward it unchanged)
 * and its parsed `event` and `data` fields. Lines may end in LF, CRLF or CR,
 * and chunks may split anything anywhere, including a CRLF or a UTF-8
 * sequence. Only the unfinished tail of an event is ever held back.
 */
export interface SseEvent {
  event: string | null;
  /** The data lines joined with "\n"; null when the event has none. */
  data: string | null;
  raw: Uint8Array;
}

export interface SseBatch {
  events: SseEvent[];
  /** The bytes of all complete events in this batch, contiguous. */
  bytes: Uint8Array;
}

const LF = 10;
const CR = 13;
const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder();

export function parseEventText(text: string): { event: string | null; data: string | null } {
  let event: string | null = null;
  let data: string | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data = data === null ? value : `${data}\n${value}`;
    else if (field === "event") event = value;
  }
  return { event, data };
}

export class SseSplitter {
  private pending: Uint8Array = EMPTY;
  private lineStart = 0;
  private afterCR = false;

  constructor(private readonly maxEventBytes = 8 * 1024 * 1024) {}

  /**
   * Feeds a chunk; returns the events it completed (their bytes are views of
   * the chunk: use them before the next push). Throws when one event outgrows
   * the limit.
   */
  push(chunk: Uint8Array): SseBatch {
    const buf = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const events: SseEvent[] = [];
    let eventStart = 0;
    let lineStart = this.lineStart;
    for (let i = this.pending.length; i < buf.length; i++) {
      const byte = buf[i];
      if (byte !== LF && byte !== CR) {
        this.afterCR = false;
        continue;
      }
      if (byte === LF && this.afterCR) {
        // The LF of a CRLF whose CR already ended the line.
        this.afterCR = false;
        lineStart = i + 1;
        continue;
      }
      const blank = i === lineStart;
      // A CRLF seen whole is consumed whole; a CR at the end of the chunk may still get its LF.
      if (byte === CR && buf[i + 1] === LF) i++;
      this.afterCR = byte === CR && i === buf.length - 1;
      lineStart = i + 1;
      if (blank) {
        const raw = buf.subarray(eventStart, i + 1);
        events.push({ ...parseEventText(decoder.decode(raw)), raw });
        eventStart = i + 1;
      }
    }
    const bytes = buf.subarray(0, eventStart);
    this.pending = eventStart === buf.length ? EMPTY : buf.subarray(eventStart);
    this.lineStart = lineStart - eventStart;
    if (this.pending.length > this.maxEventBytes) throw new RangeError("server-sent event too large");
    // Keep our own copy: the caller may reuse the chunk's buffer once we return.
    if (this.pending.length && this.pending.buffer === chunk.buffer) this.pending = this.pending.slice();
    return { events, bytes };
  }

  /**
   * Bytes not yet part of a complete event: an unfinished event (which SSE
   * readers discard at the end of a stream), or the LF of a CRLF split
   * across chunks.
   */
  rest(): Uint8Array {
    return this.pending;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
