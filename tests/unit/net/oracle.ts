import ipaddr from "ipaddr.js";

/**
 * ipaddr.js as a reference, with its readings made explicit where they differ
 * from ours on purpose.
 *
 * - `::a.b.c.d` (the deprecated IPv4-compatible form) is read by ipaddr.js as
 *   the IPv4-mapped `::ffff:a.b.c.d`. RFC 4291 section 2.5.5.1, and the WHATWG
 *   URL parser (`new URL("http://[::1.2.3.4]").hostname` is `[::102:304]`),
 *   read it as `::102:304`, and so do we.
 * - IPv4-mapped addresses are IPv4 for matching: `ipaddr.process`.
 */

const DEPRECATED_COMPATIBLE = /^::(\d+\.\d+\.\d+\.\d+)$/;

export type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

export function oracleParse(text: string): Parsed {
  const compatible = DEPRECATED_COMPATIBLE.exec(text);
  if (compatible) {
    const [a, b, c, d] = ipaddr.IPv4.parse(compatible[1]!).octets as [number, number, number, number];
    return new ipaddr.IPv6([0, 0, 0, 0, 0, 0, (a << 8) | b, (c << 8) | d]);
  }
  return ipaddr.parse(text);
}

/** The address with IPv4-mapped IPv6 turned into IPv4. */
export function oracleProcess(text: string): Parsed {
  const parsed = oracleParse(text);
  return parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() ? parsed.toIPv4Address() : parsed;
}

/**
 * Whether `ip` lies in `cidr`. A range inside `::ffff:0:0/96` is the IPv4
 * range it denotes; otherwise families never match each other.
 */
export function oracleCidrMatch(cidr: string, ip: string): boolean {
  const slash = cidr.indexOf("/");
  let range: Parsed = oracleParse(slash < 0 ? cidr : cidr.slice(0, slash));
  let bits = slash < 0 ? (range.kind() === "ipv4" ? 32 : 128) : Number(cidr.slice(slash + 1));
  if (range instanceof ipaddr.IPv6 && bits >= 96) {
    // Mapped after masking: `::ffff:1.2.3.4/96` is all of IPv4, `::ffff:1.2.3.4/95` is not.
    const network = ipaddr.IPv6.networkAddressFromCIDR(`${range.toString()}/${bits}`);
    if (network.isIPv4MappedAddress()) {
      range = range.toIPv4Address();
      bits -= 96;
    }
  }
  const address = oracleProcess(ip);
  if (address.kind() !== range.kind()) return false;
  return address instanceof ipaddr.IPv4 ? address.match(range as ipaddr.IPv4, bits) : address.match(range as ipaddr.IPv6, bits);
}

/** The canonical CIDR text according to ipaddr.js (IPv4 `a.b.c.d/n`, IPv6 RFC 5952). */
export function oracleCanonicalCidr(cidr: string): string {
  const slash = cidr.indexOf("/");
  const parsed = oracleParse(slash < 0 ? cidr : cidr.slice(0, slash));
  const bits = slash < 0 ? (parsed.kind() === "ipv4" ? 32 : 128) : Number(cidr.slice(slash + 1));
  if (parsed instanceof ipaddr.IPv4) return `${ipaddr.IPv4.networkAddressFromCIDR(`${parsed.toString()}/${bits}`).toString()}/${bits}`;
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/${bits}`);
  if (bits >= 96 && network.isIPv4MappedAddress()) return `${network.toIPv4Address().toString()}/${bits - 96}`;
  return `${network.toRFC5952String()}/${bits}`;
}
