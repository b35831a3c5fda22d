import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalOrigin, originMatcher, parseAllowedOrigin } from "@/lib/net/origin";

/** Runs per property; NET_FUZZ_RUNS raises it for a longer local search. */
const RUNS = Math.max(20_000, Number(process.env.NET_FUZZ_RUNS) || 0);

/**
 * The reference, written with the WHATWG URL parser only. A candidate must be
 * a bare origin (exactly its own serialisation). Exact entry: same origin.
 * Wildcard: same protocol and port, and the host ends with "." + base, with
 * no empty label in front of it (`https://.victim.com` and
 * `https://a..victim.com` parse, but no page can be served from them; we
 * refuse them on purpose).
 */
function oracle(entry: string, candidate: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.origin !== candidate) return false;
  if (!entry.includes("://*.")) return url.origin === new URL(entry).origin;
  const base = new URL(entry.replace("://*.", "://"));
  if (url.protocol !== base.protocol || url.port !== base.port) return false;
  const suffix = `.${base.hostname}`;
  if (!url.hostname.endsWith(suffix)) return false;
  return url.hostname
    .slice(0, -suffix.length)
    .split(".")
    .every((label) => label.length > 0);
}

const BASES = ["victim.com", "app.victim.com", "victim.co.uk", "xn--bcher-kva.example", "localhost", "127.0.0.1"];

interface Entry {
  text: string;
  base: string;
  scheme: string;
  port: string;
}

const entry: fc.Arbitrary<Entry> = fc
  .record({
    scheme: fc.constantFrom("http", "https"),
    base: fc.constantFrom(...BASES),
    port: fc.constantFrom("", "443", "80", "8443", "3000"),
    wildcard: fc.boolean(),
    upper: fc.boolean(),
  })
  .filter(({ base, wildcard }) => !wildcard || base.includes(".") && !/^\d/.test(base))
  .map(({ scheme, base, port, wildcard, upper }) => {
    const host = `${wildcard ? "*." : ""}${upper ? base.toUpperCase() : base}`;
    return { text: `${scheme}://${host}${port ? `:${port}` : ""}`, base, scheme, port };
  });

const label = fc.constantFrom("a", "www", "x", "attacker", "victim", "com", "VICTIM", "xn--bcher-kva", "victim-com", "co", "uk", "1", "", "a_b", "*", "-");
const labels = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("."));

function hostFor(base: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(base), weight: 3 },
    { arbitrary: labels.map((sub) => `${sub}.${base}`), weight: 6 },
    { arbitrary: labels.map((sub) => `${base}.${sub}`), weight: 2 },
    { arbitrary: label.map((prefix) => `${prefix}${base}`), weight: 2 },
    { arbitrary: label.map((prefix) => `${prefix}-${base}`), weight: 1 },
    { arbitrary: labels.map((sub) => `${sub}.${base}.`), weight: 1 },
    { arbitrary: fc.constantFrom(`${base}.`, `.${base}`, base.toUpperCase(), `a.${base.toUpperCase()}`, `a..${base}`), weight: 2 },
    { arbitrary: fc.constantFrom(...BASES), weight: 1 },
  );
}

function candidateFor(target: Entry): fc.Arbitrary<string> {
  const ports = [target.port ? `:${target.port}` : "", "", ":443", ":80", ":8443", ":3000", ":", ":0443", ":65536", ":8443x"];
  return fc
    .record({
      scheme: fc.oneof({ arbitrary: fc.constant(target.scheme), weight: 4 }, { arbitrary: fc.constantFrom("http", "https", "HTTPS", "ftp", "ws"), weight: 1 }),
      userinfo: fc.oneof({ arbitrary: fc.constant(""), weight: 8 }, { arbitrary: fc.constantFrom("user@", `${target.base}@`), weight: 1 }),
      host: hostFor(target.base),
      port: fc.oneof({ arbitrary: fc.constant(ports[0]!), weight: 4 }, { arbitrary: fc.constantFrom(...ports), weight: 2 }),
      tail: fc.oneof({ arbitrary: fc.constant(""), weight: 8 }, { arbitrary: fc.constantFrom("/", "/path", "?q", "#f", "@attacker.com", ".", " "), weight: 1 }),
    })
    .map(({ scheme, userinfo, host, port, tail }) => `${scheme}://${userinfo}${host}${port}${tail}`);
}

const entryAndCandidate = entry.chain((target) =>
  fc.tuple(fc.constant(target), fc.oneof({ arbitrary: candidateFor(target), weight: 20 }, { arbitrary: fc.constantFrom("null", "", "*"), weight: 1 })),
);

describe("originMatcher against the WHATWG URL parser (property)", () => {
  it(`one entry: the same answer as the URL-based reference (${RUNS} runs)`, () => {
    let allowed = 0;
    fc.assert(
      fc.property(entryAndCandidate, ([target, candidate]) => {
        expect(parseAllowedOrigin(target.text), target.text).not.toBeNull();
        const expected = oracle(target.text, candidate);
        if (expected) allowed++;
        expect(originMatcher([target.text])(candidate), `${candidate} for ${target.text}`).toBe(expected);
      }),
      { numRuns: RUNS },
    );
    // Biased so that a fair share is allowed; the rest are near misses.
    expect(allowed).toBeGreaterThan(RUNS * 0.05);
  });

  const listAndCandidate = fc
    .array(entry, { minLength: 1, maxLength: 6 })
    .chain((entries) => fc.tuple(fc.constant(entries), fc.nat(entries.length - 1).chain((i) => candidateFor(entries[i]!))));

  it(`several entries: allowed when one of them allows it (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(listAndCandidate, ([entries, candidate]) => {
        const texts = entries.map((e) => e.text);
        const expected = texts.some((text) => oracle(text, candidate));
        expect(originMatcher(texts)(candidate), `${candidate} for ${texts.join(", ")}`).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it(`entries: canonical form is stable, is the URL origin for exact entries, and never throws (${RUNS} runs)`, () => {
    const text = fc.oneof(
      entry.map((e) => e.text),
      entry.chain(candidateFor),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (input) => {
        const canonical = canonicalOrigin(input);
        if (canonical === null) return;
        expect(canonicalOrigin(canonical)).toBe(canonical);
        if (!canonical.includes("*")) {
          expect(canonical).toBe(new URL(input).origin);
          expect(originMatcher([input])(canonical)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
