import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalCidr, cidrMatcher, parseCidr } from "@/lib/net/cidr";
import { addressText, anyAddress, type CidrCase, cidrCase, nearby, textStyle } from "./arbitraries";
import { oracleCanonicalCidr, oracleCidrMatch } from "./oracle";

/** Runs per property; NET_FUZZ_RUNS raises it for a longer local search. */
const RUNS = Math.max(20_000, Number(process.env.NET_FUZZ_RUNS) || 0);
const ALL_ONES = (1n << 128n) - 1n;

/** An address in, at the edge of, near, or far from the range. */
function addressFor(range: CidrCase): fc.Arbitrary<bigint> {
  const hostMask = ALL_ONES >> BigInt(range.prefix128);
  const network = range.value & ~hostMask;
  return fc.oneof(
    { arbitrary: nearby(range.value, range.prefix128), weight: 4 },
    { arbitrary: fc.constantFrom(network, network | hostMask, (network - 1n) & ALL_ONES, ((network | hostMask) + 1n) & ALL_ONES), weight: 1 },
    { arbitrary: anyAddress, weight: 1 },
  );
}

const singleCase = cidrCase.chain((range) => fc.tuple(fc.constant(range), addressFor(range), textStyle));

describe("cidrMatcher against ipaddr.js (property)", () => {
  it(`one range: same answer as ipaddr.js for every address (${RUNS} runs)`, () => {
    let inside = 0;
    fc.assert(
      fc.property(singleCase, ([range, value, style]) => {
        const ip = addressText(value, style);
        const expected = oracleCidrMatch(range.text, ip);
        if (expected) inside++;
        expect(cidrMatcher([range.text])(ip), `${ip} in ${range.text}`).toBe(expected);
      }),
      { numRuns: RUNS },
    );
    // The generator is biased so both answers are well represented.
    expect(inside).toBeGreaterThan(RUNS * 0.2);
    expect(inside).toBeLessThan(RUNS * 0.8);
  });

  const listCase = fc
    .array(cidrCase, { minLength: 1, maxLength: 10 })
    .chain((ranges) => fc.tuple(fc.constant(ranges), fc.nat(ranges.length - 1).chain((i) => addressFor(ranges[i]!)), textStyle));

  it(`up to ten ranges: matches when ipaddr.js says one of them does (${RUNS} runs)`, () => {
    let inside = 0;
    fc.assert(
      fc.property(listCase, ([ranges, value, style]) => {
        const ip = addressText(value, style);
        const texts = ranges.map((range) => range.text);
        const expected = texts.some((text) => oracleCidrMatch(text, ip));
        if (expected) inside++;
        expect(cidrMatcher(texts)(ip), `${ip} in ${texts.join(", ")}`).toBe(expected);
      }),
      { numRuns: RUNS },
    );
    expect(inside).toBeGreaterThan(RUNS * 0.2);
    expect(inside).toBeLessThan(RUNS * 0.9);
  });

  it(`canonical form agrees with ipaddr.js, is stable and matches the same addresses (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(singleCase, ([range, value, style]) => {
        expect(parseCidr(range.text), range.text).not.toBeNull();
        const canonical = canonicalCidr(range.text);
        expect(canonical).toBe(oracleCanonicalCidr(range.text));
        expect(canonicalCidr(canonical!)).toBe(canonical);
        const ip = addressText(value, style);
        expect(cidrMatcher([canonical!])(ip)).toBe(cidrMatcher([range.text])(ip));
      }),
      { numRuns: RUNS },
    );
  });
});
