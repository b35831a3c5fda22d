import { bytesToWords, formatIp, type IpAddress, type IpFamily, isMappedWords, scanIp, wordsToBytes } from "./ip";

/**
 * CIDR ranges and a precompiled matcher for client addresses.
 *
 * Families stay apart: an IPv4 range matches IPv4 clients (including those
 * seen as IPv4-mapped IPv6, `::ffff:a.b.c.d`), an IPv6 range matches the other
 * IPv6 clients. An IPv6 range inside `::ffff:0:0/96` is the IPv4 range it
 * denotes (`::ffff:10.0.0.0/104` is `10.0.0.0/8`); a wider IPv6 range such as
 * `::/0` does not match IPv4 clients.
 */

export interface Cidr {
  readonly family: IpFamily;
  /** The network address: host bits cleared. */
  readonly network: IpAddress;
  /** Prefix length within the family: 0–32 for IPv4, 0–128 for IPv6. */
  readonly prefix: number;
}

/** Decimal prefix length without sign, spaces or leading zeros, or -1. */
function parsePrefix(text: string): number {
  if (text.length === 0 || text.length > 3) return -1;
  if (text.length > 1 && text.charCodeAt(0) === 48) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return -1;
    value = value * 10 + code - 48;
  }
  return value;
}

/** The mask for bits [32w, 32w + 32) of a 128-bit prefix of length `bits`. */
function wordMask(bits: number, w: number): number {
  const inWord = Math.min(32, Math.max(0, bits - 32 * w));
  return inWord === 0 ? 0 : (0xffffffff << (32 - inWord)) | 0;
}

/**
 * The range `text` denotes (`a.b.c.d`, `a.b.c.d/n`, an IPv6 address, `v6/n`),
 * or null. A bare address is a single-address range; host bits are cleared.
 */
export function parseCidr(text: string): Cidr | null {
  if (typeof text !== "string") return null;
  const slash = text.indexOf("/");
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const words = new Int32Array(4);
  const family = scanIp(addressText, words);
  if (family === 0) return null;
  const writtenAsV6 = addressText.indexOf(":") >= 0;
  let bits = writtenAsV6 ? 128 : 32;
  if (slash >= 0) {
    const prefix = parsePrefix(text.slice(slash + 1));
    if (prefix < 0 || prefix > bits) return null;
    bits = prefix;
  }
  // Prefix length on the 128-bit scale of the stored (mapped) form.
  const bits128 = writtenAsV6 ? bits : 96 + bits;
  for (let w = 0; w < 4; w++) words[w] = words[w]! & wordMask(bits128, w);
  const isV4 = bits128 >= 96 && isMappedWords(words);
  return {
    family: isV4 ? 4 : 6,
    network: { family: isV4 ? 4 : 6, bytes: wordsToBytes(words) },
    prefix: isV4 ? bits128 - 96 : bits128,
  };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.network)}/${cidr.prefix}`;
}

/** `10.0.0.1/8` → `10.0.0.0/8`, `2001:DB8::/32` → `2001:db8::/32`, `1.2.3.4` → `1.2.3.4/32`; null when invalid. */
export function canonicalCidr(text: string): string | null {
  const cidr = parseCidr(text);
  return cidr ? formatCidr(cidr) : null;
}

export type IpMatcher = (ip: string) => boolean;

const scratch = new Int32Array(4);

/**
 * A predicate for "the client address `ip` lies in one of `list`". The list is
 * compiled once; each call scans the address into a shared buffer and compares
 * masked words, allocating nothing. Text that is not an address matches
 * nothing. Throws when an entry is invalid: lists are validated with
 * `parseCidr` before they are stored, so a bad entry here is a bug.
 */
export function cidrMatcher(list: readonly string[]): IpMatcher {
  const v4: number[] = [];
  const v6: number[] = [];
  list.forEach((entry, index) => {
    const cidr = parseCidr(entry);
    if (!cidr) throw new TypeError(`cidrMatcher: entry ${index} is not a valid CIDR range`);
    const words = bytesToWords(cidr.network.bytes);
    if (cidr.family === 4) {
      v4.push(words[3]!, wordMask(96 + cidr.prefix, 3));
    } else {
      for (let w = 0; w < 4; w++) v6.push(words[w]!, wordMask(cidr.prefix, w));
    }
  });
  const v4Pairs = Int32Array.from(v4);
  const v6Pairs = Int32Array.from(v6);
  const v4Length = v4Pairs.length;
  const v6Length = v6Pairs.length;

  return (ip: string): boolean => {
    if (typeof ip !== "string") return false;
    const family = scanIp(ip, scratch);
    if (family === 4) {
      const value = scratch[3]!;
      for (let i = 0; i < v4Length; i += 2) {
        if ((value & v4Pairs[i + 1]!) === v4Pairs[i]) return true;
      }
      return false;
    }
    if (family === 6) {
      const w0 = scratch[0]!;
      const w1 = scratch[1]!;
      const w2 = scratch[2]!;
      const w3 = scratch[3]!;
      for (let i = 0; i < v6Length; i += 8) {
        if (
          (w0 & v6Pairs[i + 1]!) === v6Pairs[i] &&
          (w1 & v6Pairs[i + 3]!) === v6Pairs[i + 2] &&
          (w2 & v6Pairs[i + 5]!) === v6Pairs[i + 4] &&
          (w3 & v6Pairs[i + 7]!) === v6Pairs[i + 6]
        ) {
          return true;
        }
      }
    }
    return false;
  };
}
