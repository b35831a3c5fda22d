import { parseCidr } from "./cidr";
import { bytesToWords, type IpAddress, parseIp, scanIp } from "./ip";

/**
 * What an IP address is, for deciding whether an upstream provider URL may be
 * fetched (server-side request forgery). Only "public" may be: everything
 * else is this host, the private network, the cloud's metadata service, or
 * space no provider lives in.
 *
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`) are
 * classified as the IPv4 address they carry. IPv6 outside 2000::/3 (global
 * unicast) that is not named below is "reserved".
 */

export type AddressKind =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "unspecified"
  | "multicast"
  | "reserved";

/** First match wins, so single addresses come before the ranges holding them. */
const IPV4_RANGES: readonly (readonly [string, AddressKind])[] = [
  ["0.0.0.0/8", "unspecified"], // "this network"; 0.0.0.0 reaches this host on most stacks
  ["10.0.0.0/8", "private"],
  ["100.100.100.200/32", "metadata"], // Alibaba Cloud
  ["100.64.0.0/10", "private"], // carrier-grade NAT, RFC 6598
  ["127.0.0.0/8", "loopback"],
  ["169.254.169.254/32", "metadata"], // AWS, GCP, Azure, OCI, DigitalOcean, …
  ["169.254.170.2/32", "metadata"], // AWS ECS task credentials
  ["169.254.170.23/32", "metadata"], // AWS EKS pod identity
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "reserved"], // IETF protocol assignments
  ["192.0.2.0/24", "reserved"], // documentation
  ["192.88.99.0/24", "reserved"], // former 6to4 relay anycast
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "reserved"], // benchmarking
  ["198.51.100.0/24", "reserved"], // documentation
  ["203.0.113.0/24", "reserved"], // documentation
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"], // includes 255.255.255.255
];

/** "nat64": classify the IPv4 address in the last 32 bits. */
const IPV6_RANGES: readonly (readonly [string, AddressKind | "nat64"])[] = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["::ffff:0:0:0/96", "reserved"], // IPv4-translated, RFC 6145
  ["::/96", "reserved"], // IPv4-compatible, deprecated
  ["64:ff9b::/96", "nat64"], // RFC 6052 well-known prefix
  ["64:ff9b:1::/48", "private"], // local-use NAT64, RFC 8215
  ["100::/64", "reserved"], // discard
  ["2001::/23", "reserved"], // IETF protocol assignments: Teredo, ORCHID, benchmarking, …
  ["2001:db8::/32", "reserved"], // documentation
  ["2002::/16", "reserved"], // 6to4
  ["3fff::/20", "reserved"], // documentation
  ["fd00:ec2::254/128", "metadata"], // AWS
  ["fd00:ec2::23/128", "metadata"], // AWS EKS pod identity
  ["fc00::/7", "private"], // unique local
  ["fe80::/10", "link-local"],
  ["fec0::/10", "private"], // site-local, deprecated
  ["ff00::/8", "multicast"],
  ["2000::/3", "public"], // global unicast
];

interface Rule<K> {
  readonly network: Int32Array;
  readonly mask: Int32Array;
  readonly kind: K;
}

function maskFor(bits: number): Int32Array {
  const mask = new Int32Array(4);
  for (let w = 0; w < 4; w++) {
    const inWord = Math.min(32, Math.max(0, bits - 32 * w));
    mask[w] = inWord === 0 ? 0 : (0xffffffff << (32 - inWord)) | 0;
  }
  return mask;
}

function compile<K>(table: readonly (readonly [string, K])[]): Rule<K>[] {
  return table.map(([text, kind]) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`address table: invalid range ${text}`);
    const bits = cidr.family === 4 ? 96 + cidr.prefix : cidr.prefix;
    return { network: bytesToWords(cidr.network.bytes), mask: maskFor(bits), kind };
  });
}

const V4_RULES = compile(IPV4_RANGES);
const V6_RULES = compile(IPV6_RANGES);

function findKind<K>(rules: readonly Rule<K>[], words: ArrayLike<number>): K | undefined {
  for (const rule of rules) {
    const { network, mask } = rule;
    if (
      (words[0]! & mask[0]!) === network[0] &&
      (words[1]! & mask[1]!) === network[1] &&
      (words[2]! & mask[2]!) === network[2] &&
      (words[3]! & mask[3]!) === network[3]
    ) {
      return rule.kind;
    }
  }
  return undefined;
}

function ipv4Kind(value: number): AddressKind {
  return findKind(V4_RULES, [0, 0, 0xffff, value]) ?? "public";
}

const scratch = new Int32Array(4);

/** The kind of the address `ip` (text or parsed), or null when `ip` is not an IP address. */
export function addressKind(ip: string | IpAddress): AddressKind | null {
  let words: ArrayLike<number>;
  let family: number;
  if (typeof ip === "string") {
    family = scanIp(ip, scratch);
    words = scratch;
  } else if (ip && ip.bytes instanceof Uint8Array && ip.bytes.length === 16) {
    family = ip.family;
    words = bytesToWords(ip.bytes);
  } else {
    return null;
  }
  if (family === 4) return ipv4Kind(words[3]!);
  if (family !== 6) return null;
  const kind = findKind(V6_RULES, words) ?? "reserved";
  return kind === "nat64" ? ipv4Kind(words[3]!) : kind;
}

/** True unless `ip` is a public address; text that is not an address is forbidden too. */
export function isForbiddenUpstreamAddress(ip: string | IpAddress): boolean {
  return addressKind(ip) !== "public";
}

/** Names that resolve to a metadata service inside the clouds that define them. */
const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
]);

/**
 * True for a host name (as in a URL: any case, optional trailing dot, IPv6 in
 * brackets) that names a cloud metadata service: one of the names above or a
 * subdomain of a dotted one, or a metadata address written as a literal.
 */
export function isMetadataHostname(host: string): boolean {
  if (typeof host !== "string") return false;
  let name = host.toLowerCase();
  while (name.endsWith(".")) name = name.slice(0, -1);
  if (name.startsWith("[") && name.endsWith("]")) name = name.slice(1, -1);
  if (METADATA_NAMES.has(name)) return true;
  for (const known of METADATA_NAMES) {
    if (known.includes(".") && name.endsWith(`.${known}`)) return true;
  }
  const address = parseIp(name);
  return address !== null && addressKind(address) === "metadata";
}
