import { describe, expect, it } from "vitest";
import { canonicalCidr, cidrMatcher, formatCidr, parseCidr } from "@/lib/net/cidr";
import { formatIp } from "@/lib/net/ip";

describe("parseCidr and canonicalCidr", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["10.0.0.1/8", "10.0.0.0/8"],
    ["10.255.255.255/8", "10.0.0.0/8"],
    ["192.168.1.77/24", "192.168.1.0/24"],
    ["172.31.255.255/12", "172.16.0.0/12"],
    ["203.0.113.9", "203.0.113.9/32"],
    ["203.0.113.9/32", "203.0.113.9/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["255.255.255.255/0", "0.0.0.0/0"],
    ["1.2.3.4/31", "1.2.3.4/31"],
    ["1.2.3.5/31", "1.2.3.4/31"],
    ["2001:DB8::1/32", "2001:db8::/32"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1/128"],
    ["2001:db8:0:0:1:0:0:1/128", "2001:db8::1:0:0:1/128"],
    ["2001:db8:ffff::/33", "2001:db8:8000::/33"],
    ["::/0", "::/0"],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/1", "8000::/1"],
    ["::1", "::1/128"],
    ["fe80::1/10", "fe80::/10"],
    ["::1.2.3.4/128", "::102:304/128"],
  ])("%s → %s", (text, canonical) => {
    expect(canonicalCidr(text)).toBe(canonical);
    expect(canonicalCidr(canonical)).toBe(canonical);
  });

  it("an IPv6 range inside ::ffff:0:0/96 is the IPv4 range it denotes", () => {
    expect(canonicalCidr("::ffff:10.0.0.0/104")).toBe("10.0.0.0/8");
    expect(canonicalCidr("::ffff:10.1.2.3/104")).toBe("10.0.0.0/8");
    expect(canonicalCidr("::ffff:a01:203/120")).toBe("10.1.2.0/24");
    expect(canonicalCidr("::ffff:1.2.3.4")).toBe("1.2.3.4/32");
    expect(canonicalCidr("::ffff:0:0/96")).toBe("0.0.0.0/0");
    expect(parseCidr("::ffff:10.0.0.0/104")).toMatchObject({ family: 4, prefix: 8 });
    // Wider than the mapped block: an IPv6 range.
    expect(canonicalCidr("::ffff:0:0/95")).toBe("::fffe:0:0/95");
    expect(parseCidr("::ffff:1.2.3.4/80")).toMatchObject({ family: 6, prefix: 80 });
  });

  it("returns the parsed value with the network address", () => {
    const cidr = parseCidr("10.9.8.7/16")!;
    expect(cidr.family).toBe(4);
    expect(cidr.prefix).toBe(16);
    expect(formatIp(cidr.network)).toBe("10.9.0.0");
    expect(formatCidr(cidr)).toBe("10.9.0.0/16");
    const v6 = parseCidr("2001:db8::dead:beef/64")!;
    expect(v6).toMatchObject({ family: 6, prefix: 64 });
    expect(formatIp(v6.network)).toBe("2001:db8::");
  });

  it.each([
    ["prefix out of range", ["10.0.0.0/33", "::/129", "1.2.3.4/99", "10.0.0.0/-1", "::/1000"]],
    ["prefix not plain decimal", ["10.0.0.0/08", "10.0.0.0/", "10.0.0.0/+8", "10.0.0.0/8 ", "10.0.0.0/ 8", "10.0.0.0/0x8", "10.0.0.0/8.0", "10.0.0.0/8/8"]],
    ["address not strict", ["010.0.0.0/8", "10.0/8", "10/8", "10.0.0.0.0/8", "256.0.0.0/8", "fe80::1%eth0/64", "[::1]/128"]],
    ["an IPv4 prefix on an IPv6 scale", ["1.2.3.4/128", "1.2.3.4/96"]],
    ["not a range", ["", "/8", "/", "any", "*", "10.0.0.*", "10.0.0.0-10.0.0.255", " 10.0.0.0/8"]],
  ])("rejects %s", (_reason, texts) => {
    for (const text of texts) {
      expect(parseCidr(text), text).toBeNull();
      expect(canonicalCidr(text), text).toBeNull();
    }
  });

  it("does not throw on values that are not strings", () => {
    for (const value of [undefined, null, 8, {}, ["10.0.0.0/8"]]) expect(parseCidr(value as unknown as string)).toBeNull();
  });
});

describe("cidrMatcher", () => {
  const match = cidrMatcher(["10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "fe80::1/128", "::ffff:172.16.0.0/108"]);

  it.each([
    ["10.0.0.0", true],
    ["10.255.255.255", true],
    ["9.255.255.255", false],
    ["11.0.0.0", false],
    ["192.168.1.7", true],
    ["192.168.1.8", false],
    ["172.16.0.1", true],
    ["172.31.255.255", true],
    ["172.32.0.0", false],
    ["2001:db8::", true],
    ["2001:DB8:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF", true],
    ["2001:db9::", false],
    ["2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false],
    ["fe80::1", true],
    ["fe80::2", false],
  ])("%s → %s", (ip, expected) => {
    expect(match(ip)).toBe(expected);
  });

  it("an IPv4 entry matches IPv4-mapped IPv6 clients, however written", () => {
    for (const ip of ["::ffff:10.1.2.3", "::FFFF:10.1.2.3", "0:0:0:0:0:ffff:10.1.2.3", "::ffff:a01:203", "::ffff:192.168.1.7"]) {
      expect(match(ip), ip).toBe(true);
    }
    expect(match("::ffff:11.0.0.1")).toBe(false);
    // IPv4-compatible (deprecated) and NAT64 forms are other IPv6 addresses.
    expect(match("::10.1.2.3")).toBe(false);
    expect(match("64:ff9b::10.1.2.3")).toBe(false);
  });

  it("keeps the families apart: ::/0 is every IPv6 client, not IPv4 ones", () => {
    const v6Only = cidrMatcher(["::/0"]);
    expect(v6Only("2001:db8::1")).toBe(true);
    expect(v6Only("::")).toBe(true);
    expect(v6Only("1.2.3.4")).toBe(false);
    expect(v6Only("::ffff:1.2.3.4")).toBe(false);
    const v4Only = cidrMatcher(["0.0.0.0/0"]);
    expect(v4Only("1.2.3.4")).toBe(true);
    expect(v4Only("::ffff:1.2.3.4")).toBe(true);
    expect(v4Only("::1")).toBe(false);
  });

  it("matches nothing for text that is not an address", () => {
    const all = cidrMatcher(["0.0.0.0/0", "::/0"]);
    for (const ip of ["", "localhost", "010.0.0.1", "10.1", "[::1]", "::1%lo", " 10.0.0.1", "10.0.0.1:443", "1.2.3.4/32"]) {
      expect(all(ip), ip).toBe(false);
    }
    expect(all(undefined as unknown as string)).toBe(false);
    expect(all(42 as unknown as string)).toBe(false);
  });

  it("an empty list matches nothing", () => {
    const none = cidrMatcher([]);
    expect(none("10.0.0.1")).toBe(false);
    expect(none("::1")).toBe(false);
  });

  it("host bits in an entry do not narrow it", () => {
    const m = cidrMatcher(["10.0.0.1/8"]);
    expect(m("10.200.0.0")).toBe(true);
  });

  it("throws at compile time on an invalid entry, naming its position only", () => {
    expect(() => cidrMatcher(["10.0.0.0/8", "10.0.0.0/33"])).toThrow(/entry 1 is not a valid CIDR range/);
    expect(() => cidrMatcher(["secret-looking-text"])).toThrow(/^(?!.*secret).*$/);
  });

  it("the shared scan buffer does not leak between matchers or calls", () => {
    const a = cidrMatcher(["1.2.3.0/24"]);
    const b = cidrMatcher(["2001:db8::/32"]);
    expect(a("1.2.3.4")).toBe(true);
    expect(b("nope")).toBe(false);
    expect(a("not an ip")).toBe(false);
    expect(b("2001:db8::1")).toBe(true);
    expect(a("2001:db8::1")).toBe(false);
  });
});
