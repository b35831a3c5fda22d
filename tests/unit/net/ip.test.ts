import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { canonicalIp, formatIp, isIp, parseIp, scanIp } from "@/lib/net/ip";
import { addressText, anyAddress, isMapped, textStyle } from "./arbitraries";
import { oracleParse, oracleProcess } from "./oracle";

/** Runs per property; NET_FUZZ_RUNS raises it for a longer local search. */
const RUNS = Math.max(20_000, Number(process.env.NET_FUZZ_RUNS) || 0);

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

/** ipaddr.js's reading (see oracle.ts) of `text` as a 128-bit value (IPv4 mapped), or null. */
function oracleValue(text: string): bigint | null {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) return null;
  let address: ReturnType<typeof oracleParse>;
  try {
    address = oracleParse(text);
  } catch {
    return null; // e.g. `::0.0.0.08`: valid to isValid, refused by the octal reading
  }
  const value = bigintOf(Uint8Array.from(address.toByteArray()));
  return address.kind() === "ipv4" ? (0xffffn << 32n) | value : value;
}

/** A dotted quad (alone or as an IPv6 tail) with an octet ipaddr.js reads as octal or hex (`01`, `0x1`). */
function nonDecimalOctet(text: string): boolean {
  const dotted = text.slice(text.lastIndexOf(":") + 1);
  return dotted.includes(".") && !dotted.split(".").every((octet) => /^(0|[1-9]\d*)$/.test(octet));
}

describe("parseIp", () => {
  it.each([
    ["0.0.0.0", 4, "0.0.0.0"],
    ["255.255.255.255", 4, "255.255.255.255"],
    ["192.168.0.1", 4, "192.168.0.1"],
    ["::", 6, "::"],
    ["::1", 6, "::1"],
    ["1::", 6, "1::"],
    ["2001:DB8:0:0:1:0:0:1", 6, "2001:db8::1:0:0:1"],
    ["2001:0db8:0000:0000:0000:0000:0002:0001", 6, "2001:db8::2:1"],
    ["1:0:0:0:0:0:0:8", 6, "1::8"],
    ["1:2:3:4:5:6:7::", 6, "1:2:3:4:5:6:7:0"],
    ["::1:2:3:4:5:6:7", 6, "0:1:2:3:4:5:6:7"],
    ["1:0:0:2:0:0:0:3", 6, "1:0:0:2::3"],
    ["1:0:0:2:0:0:3:4", 6, "1::2:0:0:3:4"],
    ["::1.2.3.4", 6, "::102:304"],
    ["64:ff9b::192.0.2.33", 6, "64:ff9b::c000:221"],
    ["1:2:3:4:5:6:1.2.3.4", 6, "1:2:3:4:5:6:102:304"],
    ["fe80::1", 6, "fe80::1"],
  ] as const)("%s is IPv%i, written %s", (text, family, canonical) => {
    const address = parseIp(text);
    expect(address?.family).toBe(family);
    expect(address?.bytes).toHaveLength(16);
    expect(formatIp(address!)).toBe(canonical);
    expect(canonicalIp(text)).toBe(canonical);
  });

  it("an IPv4-mapped IPv6 address is the IPv4 address", () => {
    for (const text of ["::ffff:1.2.3.4", "::FFFF:1.2.3.4", "0:0:0:0:0:ffff:1.2.3.4", "::ffff:102:304", "0000:0000:0000:0000:0000:ffff:0102:0304"]) {
      const address = parseIp(text);
      expect(address?.family).toBe(4);
      expect(address?.bytes).toEqual(parseIp("1.2.3.4")!.bytes);
      expect(canonicalIp(text)).toBe("1.2.3.4");
    }
    expect(Array.from(parseIp("1.2.3.4")!.bytes)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
  });

  it.each([
    ["leading zeros, read as octal elsewhere", ["010.0.0.1", "1.02.3.4", "00.0.0.0", "::ffff:01.2.3.4"]],
    ["inet_aton shorthand", ["127.1", "1.2.3", "2130706433", "0x7f.0.0.1", "0x7f000001"]],
    ["out of range", ["256.0.0.0", "1.2.3.1000", "1:2:3:4:5:6:7:10000", "::12345"]],
    ["wrong part counts", ["1.2.3.4.5", "1.2.3.", ".1.2.3.4", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8"]],
    ["bad compression", [":::", "1:::2", "1::2::3", ":1::", "1::2:", ":", "1:", "::1:"]],
    ["misplaced IPv4 tails", ["1.2.3.4::", "::1.2.3.4:1", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4.5"]],
    ["zone ids", ["fe80::1%eth0", "fe80::1%1", "::1%"]],
    ["decoration", ["[::1]", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4/32", "+1.2.3.4", "1.2.3.-4", "١.٢.٣.٤"]],
    ["not addresses", ["", "localhost", "g::1", "1.2.3.4a"]],
  ])("rejects %s", (_reason, texts) => {
    for (const text of texts) {
      expect(parseIp(text), text).toBeNull();
      expect(isIp(text), text).toBe(false);
      expect(canonicalIp(text), text).toBeNull();
    }
  });

  it("rejects what is not a string without throwing", () => {
    for (const value of [undefined, null, 1, {}, ["1.2.3.4"]]) expect(parseIp(value as unknown as string)).toBeNull();
  });

  it("scanIp writes four big-endian words", () => {
    const out = new Int32Array(4);
    expect(scanIp("2001:db8::ff:1", out)).toBe(6);
    expect(Array.from(out, (word) => word >>> 0)).toEqual([0x20010db8, 0, 0, 0x00ff0001]);
    expect(scanIp("255.1.2.3", out)).toBe(4);
    expect(Array.from(out, (word) => word >>> 0)).toEqual([0, 0, 0xffff, 0xff010203]);
    expect(scanIp("nope", out)).toBe(0);
  });
});

describe("parseIp against ipaddr.js (property)", () => {
  it(`reads every valid spelling as ipaddr.js does, and formats as RFC 5952 (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(anyAddress, textStyle, (value, style) => {
        const text = addressText(value, style);
        const address = parseIp(text);
        expect(address, text).not.toBeNull();
        expect(bigintOf(address!.bytes)).toBe(value);
        expect(address!.family).toBe(isMapped(value) ? 4 : 6);
        expect(oracleValue(text)).toBe(value);
        const processed = oracleProcess(text);
        const expected = processed.kind() === "ipv4" ? processed.toString() : (processed as ipaddr.IPv6).toRFC5952String();
        expect(formatIp(address!)).toBe(expected);
        expect(canonicalIp(expected)).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  const edit = fc.record({
    at: fc.nat(60),
    op: fc.constantFrom("insert", "delete", "replace"),
    char: fc.constantFrom(..."0123456789abcdefABCDEF:.%/ gx[]-"),
  });

  it(`accepts a mutated spelling exactly when ipaddr.js strictly does (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(anyAddress, textStyle, fc.array(edit, { minLength: 1, maxLength: 3 }), (value, style, edits) => {
        let text = addressText(value, style);
        for (const { at, op, char } of edits) {
          const i = at % (text.length + 1);
          if (op === "insert") text = text.slice(0, i) + char + text.slice(i);
          else if (op === "delete") text = text.slice(0, i) + text.slice(i + 1);
          else text = text.slice(0, i) + char + text.slice(i + 1);
        }
        const ours = parseIp(text);
        const theirs = oracleValue(text);
        // ipaddr.js also takes zone ids and octal or hex octets; those we refuse.
        const strict = theirs !== null && !text.includes("%") && !nonDecimalOctet(text);
        if (ours) expect(bigintOf(ours.bytes), text).toBe(theirs);
        expect(ours !== null, text).toBe(strict);
      }),
      { numRuns: RUNS },
    );
  });
});
