/**
 * IP address parsing without dependencies or ambiguity.
 *
 * Every address is held as 128 bits: four big-endian 32-bit words. An IPv4
 * address is stored in its IPv4-mapped form (`::ffff:a.b.c.d`), and an
 * IPv4-mapped IPv6 address *is* that IPv4 address (family 4): one address,
 * one value, whichever way it was written.
 *
 * Accepted: dotted-quad IPv4 with decimal octets (no leading zeros, which some
 * parsers read as octal), and RFC 4291 IPv6 text with `::` compression and an
 * optional dotted-quad tail. Rejected: zone ids (`fe80::1%eth0`), brackets,
 * whitespace, and the shorthand forms `inet_aton` accepts (`127.1`, `0x7f.1`).
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  /** 4 for IPv4 and IPv4-mapped IPv6 addresses, 6 for every other IPv6 address. */
  readonly family: IpFamily;
  /** The 128-bit value, 16 bytes in network order; IPv4 in its mapped form. */
  readonly bytes: Uint8Array;
}

/** Longest text either family can have: `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`. */
export const MAX_IP_TEXT_LENGTH = 45;

/** Word 2 of every IPv4-mapped address (`::ffff:0:0/96`). */
export const MAPPED_WORD = 0x0000ffff;

const groups = new Int32Array(8);

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Dotted-quad IPv4 in `text[start, end)` as an unsigned 32-bit number, or -1. */
function scanIpv4(text: string, start: number, end: number): number {
  let value = 0;
  let i = start;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || text.charCodeAt(i) !== 46) return -1;
      i++;
    }
    if (i >= end) return -1;
    const first = text.charCodeAt(i);
    if (!isDigit(first)) return -1;
    let octet = first - 48;
    i++;
    // "0" stands alone: "01" and "00" are refused rather than guessed at.
    const maxDigits = octet === 0 ? 1 : 3;
    for (let digits = 1; i < end && isDigit(text.charCodeAt(i)); digits++) {
      if (digits === maxDigits) return -1;
      octet = octet * 10 + text.charCodeAt(i) - 48;
      i++;
    }
    if (octet > 255) return -1;
    value = value * 256 + octet;
  }
  return i === end ? value : -1;
}

/** RFC 4291 IPv6 text into `out` as four words, or false. */
function scanIpv6(text: string, out: Int32Array): boolean {
  const end = text.length;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    const start = i;
    let value = 0;
    while (i < end && i - start < 5) {
      const digit = hexValue(text.charCodeAt(i));
      if (digit < 0) break;
      value = value * 16 + digit;
      i++;
    }
    if (i === start) return false;
    if (i < end && text.charCodeAt(i) === 46) {
      // A dotted-quad tail fills the last two groups.
      if (count > 6) return false;
      const v4 = scanIpv4(text, start, end);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      break;
    }
    if (i - start > 4 || count === 8) return false;
    groups[count++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i === end) return false;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0) {
    if (count !== 8) return false;
  } else {
    // `::` stands for at least one zero group.
    if (count > 7) return false;
    const tail = count - gap;
    for (let k = 1; k <= tail; k++) groups[8 - k] = groups[count - k]!;
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  }
  for (let w = 0; w < 4; w++) out[w] = (groups[2 * w]! << 16) | groups[2 * w + 1]!;
  return true;
}

/**
 * Parses `text` into `out` (four words, network order) without allocating.
 * Returns the family (4 also for IPv4-mapped IPv6), or 0 when `text` is not an
 * address. `out` is unspecified after a 0.
 */
export function scanIp(text: string, out: Int32Array): 0 | IpFamily {
  const length = text.length;
  if (length < 2 || length > MAX_IP_TEXT_LENGTH) return 0;
  if (text.indexOf(":") < 0) {
    const v4 = scanIpv4(text, 0, length);
    if (v4 < 0) return 0;
    out[0] = 0;
    out[1] = 0;
    out[2] = MAPPED_WORD;
    out[3] = v4 | 0;
    return 4;
  }
  if (!scanIpv6(text, out)) return 0;
  return isMappedWords(out) ? 4 : 6;
}

export function isMappedWords(words: ArrayLike<number>): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === MAPPED_WORD;
}

export function wordsToBytes(words: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(16);
  for (let w = 0; w < 4; w++) {
    const word = words[w]!;
    bytes[4 * w] = word >>> 24;
    bytes[4 * w + 1] = (word >>> 16) & 0xff;
    bytes[4 * w + 2] = (word >>> 8) & 0xff;
    bytes[4 * w + 3] = word & 0xff;
  }
  return bytes;
}

export function bytesToWords(bytes: Uint8Array): Int32Array {
  const words = new Int32Array(4);
  for (let w = 0; w < 4; w++) {
    words[w] = (bytes[4 * w]! << 24) | (bytes[4 * w + 1]! << 16) | (bytes[4 * w + 2]! << 8) | bytes[4 * w + 3]!;
  }
  return words;
}

/** The address `text` denotes, or null when it is not an IP address. */
export function parseIp(text: string): IpAddress | null {
  if (typeof text !== "string") return null;
  const words = new Int32Array(4);
  const family = scanIp(text, words);
  return family === 0 ? null : { family, bytes: wordsToBytes(words) };
}

export function isIp(text: string): boolean {
  return parseIp(text) !== null;
}

/** `a.b.c.d` for IPv4, RFC 5952 text (lowercase, longest zero run as `::`) for IPv6. */
export function formatIp(address: IpAddress): string {
  const bytes = address.bytes;
  if (address.family === 4) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const parts: number[] = [];
  for (let k = 0; k < 8; k++) parts.push((bytes[2 * k]! << 8) | bytes[2 * k + 1]!);
  // Longest run of two or more zero groups; the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let k = 0; k < 8; ) {
    if (parts[k] !== 0) {
      k++;
      continue;
    }
    let run = k;
    while (run < 8 && parts[run] === 0) run++;
    if (run - k > bestLength) {
      bestStart = k;
      bestLength = run - k;
    }
    k = run;
  }
  const hex = (from: number, to: number) => parts.slice(from, to).map((part) => part.toString(16)).join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** The canonical text of `text` (see `formatIp`), or null when it is not an address. */
export function canonicalIp(text: string): string | null {
  const address = parseIp(text);
  return address ? formatIp(address) : null;
}
