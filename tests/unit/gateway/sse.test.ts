import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpenAIStreamRelay } from "@/lib/gateway/providers/openai";
import { SseSplitter, type SseEvent } from "@/lib/gateway/sse";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Cuts `bytes` at the given offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    pieces.push(bytes.slice(at, p));
    at = p;
  }
  return pieces;
}

/** Events and bytes out of the splitter, the bytes it still holds included. */
function split(pieces: Uint8Array[]): { events: Omit<SseEvent, "raw">[]; bytes: string } {
  const splitter = new SseSplitter();
  const events: Omit<SseEvent, "raw">[] = [];
  let bytes = "";
  const collected: number[] = [];
  for (const piece of pieces) {
    const batch = splitter.push(piece);
    for (const e of batch.events) events.push({ event: e.event, data: e.data });
    collected.push(...batch.bytes);
  }
  collected.push(...splitter.rest());
  bytes = dec.decode(new Uint8Array(collected));
  return { events, bytes };
}

describe("SseSplitter", () => {
  it("parses fields, multi-line data, comments, and every line ending", () => {
    const text = ": comment\nevent: a\ndata: {\"x\":1}\n\nevent:b\r\ndata: one\r\ndata:two\r\n\r\ndata: three\r\rdata: é ✓\n\n";
    const { events, bytes } = split([enc.encode(text)]);
    expect(events).toEqual([
      { event: "a", data: '{"x":1}' },
      { event: "b", data: "one\ntwo" },
      { event: null, data: "three" },
      { event: null, data: "é ✓" },
    ]);
    expect(bytes).toBe(text);
  });

  it("holds back only the unfinished event", () => {
    const splitter = new SseSplitter();
    expect(splitter.push(enc.encode("data: 1\n\ndata: 2")).events.map((e) => e.data)).toEqual(["1"]);
    expect(dec.decode(splitter.rest())).toBe("data: 2");
    expect(splitter.push(enc.encode("\n\n")).events.map((e) => e.data)).toEqual(["2"]);
    expect(splitter.rest()).toHaveLength(0);
  });

  it("refuses an event that outgrows its limit", () => {
    const splitter = new SseSplitter(16);
    expect(() => splitter.push(enc.encode(`data: ${"x".repeat(32)}`))).toThrow(RangeError);
  });

  it("any chunking gives the same events and the same bytes", () => {
    const line = fc.stringMatching(/^[a-z0-9 {}":,é✓]{0,12}$/);
    const event = fc.record({ name: fc.option(line, { nil: null }), data: fc.array(line, { minLength: 1, maxLength: 3 }), eol: fc.constantFrom("\n", "\r\n", "\r") });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (list, offsets) => {
        const text = list
          .map(({ name, data, eol }) => `${name === null ? "" : `event: ${name}${eol}`}${data.map((d) => `data: ${d}${eol}`).join("")}${eol}`)
          .join("");
        const whole = split([enc.encode(text)]);
        const pieces = split(cut(enc.encode(text), offsets));
        expect(pieces).toEqual(whole);
        expect(whole.bytes).toBe(text);
        expect(whole.events.map((e) => e.data)).toEqual(list.map((e) => e.data.join("\n")));
      }),
    );
  });
});

const chunk = (content: string, usage = false) =>
  `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]${usage ? ',"usage":null' : ""}}\n\n`;
const usageChunk = 'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n';

function relay(text: string, offsets: number[], options: { stripUsageChunk: boolean; collectText: boolean }) {
  const r = new OpenAIStreamRelay(options);
  const out: number[] = [];
  for (const piece of cut(enc.encode(text), offsets)) out.push(...(r.chunk(piece) ?? []));
  out.push(...(r.end() ?? []));
  return { out: dec.decode(new Uint8Array(out)), result: r.result() };
}

describe("OpenAIStreamRelay", () => {
  const upstream = `${chunk("Hel", true)}${chunk("lo", true)}${usageChunk}data: [DONE]\n\n`;

  it("removes the usage chunk it asked for, forwards the rest byte for byte, and counts", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 10 }), (offsets) => {
        const { out, result } = relay(upstream, offsets, { stripUsageChunk: true, collectText: true });
        expect(out).toBe(`${chunk("Hel", true)}${chunk("lo", true)}data: [DONE]\n\n`);
        expect(result).toEqual({ usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 }, text: "Hello" });
      }),
    );
  });

  it("keeps the usage chunk when the caller asked for it; collects no text unless asked", () => {
    const { out, result } = relay(upstream, [17, 200], { stripUsageChunk: false, collectText: false });
    expect(out).toBe(upstream);
    expect(result).toEqual({ usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 }, text: null });
  });

  it("ends a stream that lacked [DONE] with one, and notes an upstream error event", () => {
    const { out, result } = relay(`${chunk("a")}data: {"error":{"message":"boom","type":"server_error"}}\n\n`, [], { stripUsageChunk: true, collectText: false });
    expect(out.endsWith('"server_error"}}\n\ndata: [DONE]\n\n')).toBe(true);
    expect(result).toMatchObject({ usage: null, error: "upstream_error" });
  });
});
