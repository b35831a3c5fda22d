import fc from "fast-check";

/**
 * Generators shared by the network fuzz tests. Addresses are 128-bit bigints
 * (IPv4 in its mapped form, `::ffff:a.b.c.d`) turned into text in the many
 * ways RFC 4291 allows, so that parser, formatter and matcher all see them.
 */

export const MAPPED_PREFIX = 0xffffn << 32n;
const ALL_ONES = (1n << 128n) - 1n;

export function isMapped(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

export function v4Text(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join(".");
}

export function groupsOf(value: bigint): number[] {
  return Array.from({ length: 8 }, (_, k) => Number((value >> BigInt(112 - 16 * k)) & 0xffffn));
}

export interface TextStyle {
  /** Which zero run to write as `::` (modulo the runs there are, plus "none"). */
  compress: number;
  upper: boolean;
  /** Pad groups to four digits. */
  pad: boolean;
  /** Write the last 32 bits as a dotted quad. */
  dotted: boolean;
  /** A mapped address as plain `a.b.c.d` rather than `::ffff:…`. */
  v4: boolean;
}

export const textStyle: fc.Arbitrary<TextStyle> = fc.record({
  compress: fc.nat(8),
  upper: fc.boolean(),
  pad: fc.boolean(),
  dotted: fc.boolean(),
  v4: fc.boolean(),
});

function zeroRuns(groups: readonly number[], end: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let k = 0; k < end; ) {
    if (groups[k] !== 0) {
      k++;
      continue;
    }
    let stop = k;
    while (stop < end && groups[stop] === 0) stop++;
    runs.push([k, stop]);
    k = stop;
  }
  return runs;
}

export function v6Text(value: bigint, style: TextStyle): string {
  const groups = groupsOf(value);
  const hexEnd = style.dotted ? 6 : 8;
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((group) => {
        const digits = group.toString(16);
        const padded = style.pad ? digits.padStart(4, "0") : digits;
        return style.upper ? padded.toUpperCase() : padded;
      })
      .join(":");
  const tail = style.dotted ? v4Text(Number(value & 0xffffffffn)) : "";
  const runs = zeroRuns(groups, hexEnd);
  const choice = style.compress % (runs.length + 1);
  if (choice === runs.length) return [hex(0, hexEnd), tail].filter(Boolean).join(":");
  const [start, stop] = runs[choice]!;
  const right = [hex(stop, hexEnd), tail].filter(Boolean).join(":");
  return `${hex(0, start)}::${right}`;
}

export function addressText(value: bigint, style: TextStyle): string {
  if (isMapped(value) && style.v4) return v4Text(Number(value & 0xffffffffn));
  return v6Text(value, style);
}

const group = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));

/** Any 128-bit value, with zero groups (and so `::`) common. */
export const v6Value: fc.Arbitrary<bigint> = fc
  .array(group, { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((value, g) => (value << 16n) | BigInt(g), 0n));

export const v4Value: fc.Arbitrary<bigint> = fc
  .oneof(
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.constantFrom(0, 0xffffffff, 0x7f000001, 0x0a000000, 0xa9fea9fe, 0xc0a80001),
  )
  .map((v4) => MAPPED_PREFIX | BigInt(v4));

export const anyAddress: fc.Arbitrary<bigint> = fc.oneof(v4Value, v6Value);

/** `value` with a few bits flipped, mostly near bit `boundary` (bit 0 is the most significant). */
export function nearby(value: bigint, boundary: number): fc.Arbitrary<bigint> {
  const near = fc.integer({ min: Math.max(0, boundary - 3), max: Math.min(127, boundary + 3) });
  const low = fc.integer({ min: Math.min(boundary, 127), max: 127 });
  const bit = fc.oneof(near, low, fc.integer({ min: 0, max: 127 }));
  return fc.array(bit, { maxLength: 3 }).map((bits) => bits.reduce((v, b) => v ^ (1n << BigInt(127 - b)), value) & ALL_ONES);
}

export interface CidrCase {
  text: string;
  /** The address part as written (host bits possibly set), 128-bit. */
  value: bigint;
  /** Prefix length on the 128-bit scale. */
  prefix128: number;
}

const v4Cidr = fc
  .tuple(v4Value, fc.integer({ min: 0, max: 32 }), fc.boolean())
  .map(([value, prefix, bare]): CidrCase => ({
    text: bare && prefix === 32 ? v4Text(Number(value & 0xffffffffn)) : `${v4Text(Number(value & 0xffffffffn))}/${prefix}`,
    value,
    prefix128: 96 + prefix,
  }));

const v6Cidr = fc
  .tuple(fc.oneof(v6Value, v4Value), fc.oneof(fc.integer({ min: 0, max: 128 }), fc.integer({ min: 92, max: 128 })), textStyle)
  .map(([value, prefix, style]): CidrCase => ({ text: `${v6Text(value, style)}/${prefix}`, value, prefix128: prefix }));

export const cidrCase: fc.Arbitrary<CidrCase> = fc.oneof(v4Cidr, v6Cidr);
