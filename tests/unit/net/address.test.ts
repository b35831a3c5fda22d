import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { type AddressKind, addressKind, isForbiddenUpstreamAddress, isMetadataHostname } from "@/lib/net/address";
import { parseIp } from "@/lib/net/ip";
import { addressText, anyAddress, MAPPED_PREFIX, nearby, textStyle } from "./arbitraries";
import { oracleProcess } from "./oracle";

/** Runs per property; NET_FUZZ_RUNS raises it for a longer local search. */
const RUNS = Math.max(20_000, Number(process.env.NET_FUZZ_RUNS) || 0);

describe("addressKind", () => {
  it.each<[string, AddressKind]>([
    ["8.8.8.8", "public"],
    ["1.1.1.1", "public"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["10.0.0.1", "private"],
    ["100.64.0.1", "private"],
    ["100.127.255.255", "private"],
    ["100.128.0.0", "public"],
    ["100.100.100.200", "metadata"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["169.254.169.254", "metadata"],
    ["169.254.170.2", "metadata"],
    ["169.254.1.1", "link-local"],
    ["172.15.255.255", "public"],
    ["172.16.0.0", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.0", "public"],
    ["192.0.0.8", "reserved"],
    ["192.0.2.1", "reserved"],
    ["192.168.255.255", "private"],
    ["198.18.0.1", "reserved"],
    ["198.19.255.255", "reserved"],
    ["198.20.0.0", "public"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:8.8.8.8", "public"],
    ["::127.0.0.1", "reserved"],
    ["64:ff9b::127.0.0.1", "loopback"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["64:ff9b::10.1.1.1", "private"],
    ["64:ff9b::8.8.8.8", "public"],
    ["64:ff9b:1::1", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fd00:ec2::254", "metadata"],
    ["fd00:ec2::253", "private"],
    ["fe80::1", "link-local"],
    ["febf:ffff::1", "link-local"],
    ["fec0::1", "private"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["2001::1", "reserved"],
    ["2002:7f00:1::", "reserved"],
    ["100::1", "reserved"],
    ["4000::1", "reserved"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4001::200e", "public"],
  ])("%s is %s", (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
    expect(addressKind(parseIp(ip)!)).toBe(kind);
    expect(isForbiddenUpstreamAddress(ip)).toBe(kind !== "public");
  });

  it("is null for text that is not an address, which is forbidden", () => {
    for (const text of ["", "example.com", "127.1", "0177.0.0.1", "2130706433", "[::1]", "::1%lo", "169.254.169.254 "]) {
      expect(addressKind(text), text).toBeNull();
      expect(isForbiddenUpstreamAddress(text), text).toBe(true);
    }
    expect(addressKind({ family: 4, bytes: new Uint8Array(4) })).toBeNull();
    expect(isForbiddenUpstreamAddress(undefined as unknown as string)).toBe(true);
  });
});

describe("isMetadataHostname", () => {
  it.each([
    "metadata",
    "metadata.google.internal",
    "METADATA.GOOGLE.INTERNAL.",
    "metadata.goog",
    "instance-data",
    "instance-data.ec2.internal",
    "computeMetadata.metadata.google.internal",
    "169.254.169.254",
    "[fd00:ec2::254]",
    "100.100.100.200",
    "[::ffff:169.254.169.254]",
  ])("%s names a metadata service", (host) => {
    expect(isMetadataHostname(host)).toBe(true);
  });

  it.each(["example.com", "metadata.example.com", "notmetadata", "metadata-google.internal", "google.internal", "169.254.169.253", "127.0.0.1", "", "instance-data.example"])(
    "%s does not",
    (host) => {
      expect(isMetadataHostname(host)).toBe(false);
    },
  );
});

/** Our kinds compatible with each of ipaddr.js's range names. */
function allowedKinds(ip: string): readonly AddressKind[] {
  const address = oracleProcess(ip);
  const range = address.range();
  if (address instanceof ipaddr.IPv4) {
    const table: Record<string, readonly AddressKind[]> = {
      unspecified: ["unspecified"],
      broadcast: ["reserved"],
      multicast: ["multicast"],
      linkLocal: ["link-local", "metadata"],
      loopback: ["loopback"],
      carrierGradeNat: ["private", "metadata"],
      private: ["private"],
      reserved: ["reserved"],
      as112: ["public"],
      amt: ["public"],
      unicast: ["public"],
    };
    return table[range]!;
  }
  const [first] = address.parts as [number];
  // The type declarations lag the runtime list (no "deprecatedSiteLocal"), hence the widening.
  switch (range as string) {
    case "unspecified":
      return ["unspecified"];
    case "loopback":
      return ["loopback"];
    case "multicast":
      return ["multicast"];
    case "linkLocal":
      return ["link-local"];
    case "uniqueLocal":
      return ["private", "metadata"];
    case "deprecatedSiteLocal":
      return ["private"];
    case "rfc6052": {
      // The well-known NAT64 prefix carries an IPv4 address; the local-use one does not.
      if (address.match(ipaddr.IPv6.parse("64:ff9b::"), 96)) return allowedKinds(address.toByteArray().slice(12).join("."));
      return ["private"];
    }
    case "as112v6":
      return first === 0x2620 ? ["public"] : ["reserved"];
    case "unicast":
      // Only 2000::/3 is global unicast; the rest of the space is unassigned.
      return first >= 0x2000 && first <= 0x3fff ? ["public"] : ["reserved"];
    default:
      return ["reserved"];
  }
}

const SPECIAL = ["0.0.0.0", "10.0.0.0", "100.64.0.0", "127.0.0.0", "169.254.169.254", "172.16.0.0", "192.0.0.0", "192.168.0.0", "198.18.0.0", "224.0.0.0", "240.0.0.0", "255.255.255.255", "::", "::1", "::ffff:0:0:0", "64:ff9b::a9fe:a9fe", "64:ff9b:1::", "100::", "2001::", "2001:db8::", "2002::", "2620:4f:8000::", "3fff::", "fc00::", "fd00:ec2::254", "fe80::", "fec0::", "ff00::"];

const specialValue = fc
  .tuple(fc.constantFrom(...SPECIAL), fc.constantFrom(1, 8, 10, 12, 16, 24, 32, 48, 96, 104, 112, 120, 127))
  .chain(([text, boundary]) => {
    const bytes = parseIp(text)!.bytes;
    const value = bytes.reduce((v, byte) => (v << 8n) | BigInt(byte), 0n);
    return nearby(value, boundary);
  });

describe("addressKind against ipaddr.js range() (property)", () => {
  it(`agrees wherever the two vocabularies overlap (${RUNS} runs)`, () => {
    const seen = new Set<AddressKind>();
    fc.assert(
      fc.property(fc.oneof(specialValue, anyAddress, fc.constant(MAPPED_PREFIX)), textStyle, (value, style) => {
        const ip = addressText(value, style);
        const kind = addressKind(ip);
        expect(kind, ip).not.toBeNull();
        seen.add(kind!);
        expect(allowedKinds(ip), ip).toContain(kind);
        expect(isForbiddenUpstreamAddress(ip)).toBe(kind !== "public");
      }),
      { numRuns: RUNS },
    );
    expect([...seen].sort()).toEqual(["link-local", "loopback", "metadata", "multicast", "private", "public", "reserved", "unspecified"]);
  });
});
