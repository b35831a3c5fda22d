import { parseIp } from "./ip";

/**
 * Allowed browser origins for API keys, and a matcher for the `Origin` header.
 *
 * An entry is an exact origin (`https://app.example.com`,
 * `http://localhost:3000`) or a wildcard on the leftmost label
 * (`https://*.example.com`), which matches subdomains at any depth but not the
 * apex, with the same scheme and port. Only http and https; no path, query,
 * fragment or userinfo; default ports dropped; hosts lowercased, IDN as
 * punycode. Hosts with a trailing dot or an empty label are refused, as are
 * wildcards on a single label (`https://*.com`) or on an IP address.
 *
 * The matcher compares the header as the browser serialises it: a candidate
 * matches only when it is already a canonical origin (`new URL(o).origin === o`),
 * so `HTTPS://APP.EXAMPLE.COM`, `https://app.example.com/`,
 * `https://app.example.com.` and `null` match nothing.
 */

export type OriginScheme = "http" | "https";

export type AllowedOrigin =
  | {
      readonly kind: "exact";
      readonly scheme: OriginScheme;
      /** Lowercase ASCII host; IPv6 in brackets. */
      readonly host: string;
      /** Decimal port, or "" for the scheme's default. */
      readonly port: string;
      /** The canonical origin, as a browser sends it. */
      readonly origin: string;
    }
  | {
      readonly kind: "wildcard";
      readonly scheme: OriginScheme;
      /** The host under the wildcard: `example.com` for `*.example.com`. */
      readonly baseHost: string;
      readonly port: string;
      /** The canonical entry, e.g. `https://*.example.com:8443`. */
      readonly origin: string;
    };

/** Scheme, `://`, 253-character host and port, with room to spare. */
const MAX_ORIGIN_LENGTH = 300;
const ENTRY_SHAPE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.+)$/;
/** Characters that would start a path, query, fragment or userinfo, or be decoded. */
const NOT_IN_AUTHORITY = /[\s\u0000-\u001f\u007f/?#@\\%]/;
const PORT = /^[1-9][0-9]{0,4}$/;
const LABEL = /^[a-z0-9_-]+$/;
const ASCII = /^[\u0000-\u007f]*$/;

function splitAuthority(authority: string): { host: string; port: string } | null {
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) return null;
    const rest = authority.slice(close + 1);
    if (rest !== "" && (!rest.startsWith(":") || rest === ":")) return null;
    return { host: authority.slice(0, close + 1), port: rest.slice(1) };
  }
  const colon = authority.indexOf(":");
  if (colon < 0) return { host: authority, port: "" };
  // One colon, and a port after it: `host:` is refused rather than read as no port.
  if (authority.indexOf(":", colon + 1) >= 0 || colon === authority.length - 1) return null;
  return { host: authority.slice(0, colon), port: authority.slice(colon + 1) };
}

/** The URL parser's host for `host`, or null when it is not a plain host name or address. */
function normaliseHost(scheme: OriginScheme, host: string, port: string): { host: string; port: string } | null {
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}${port ? `:${port}` : ""}`);
  } catch {
    return null;
  }
  const hostname = url.hostname;
  if (hostname.startsWith("[")) {
    const inner = parseIp(hostname.slice(1, -1));
    return inner ? { host: hostname, port: url.port } : null;
  }
  // Plain ASCII must come out as it went in (lowercased): no `0x7f.1`, no `2130706433`.
  if (ASCII.test(host) && hostname !== host.toLowerCase()) return null;
  if (!hostname.split(".").every((label) => LABEL.test(label))) return null;
  return { host: hostname, port: url.port };
}

/** The entry `text` denotes, or null when it is not an acceptable allowed origin. */
export function parseAllowedOrigin(text: string): AllowedOrigin | null {
  if (typeof text !== "string" || text.length > MAX_ORIGIN_LENGTH) return null;
  const shape = ENTRY_SHAPE.exec(text);
  if (!shape) return null;
  const scheme = shape[1]!.toLowerCase();
  if (scheme !== "http" && scheme !== "https") return null;
  const authority = shape[2]!;
  if (NOT_IN_AUTHORITY.test(authority)) return null;
  const parts = splitAuthority(authority);
  if (!parts) return null;
  if (parts.port !== "" && (!PORT.test(parts.port) || Number(parts.port) > 65535)) return null;

  const wildcard = parts.host.startsWith("*.");
  const host = wildcard ? parts.host.slice(2) : parts.host;
  if (host.includes("*") || host === "") return null;
  const normal = normaliseHost(scheme, host, parts.port);
  if (!normal) return null;
  const portSuffix = normal.port ? `:${normal.port}` : "";

  if (!wildcard) {
    return { kind: "exact", scheme, host: normal.host, port: normal.port, origin: `${scheme}://${normal.host}${portSuffix}` };
  }
  // A wildcard needs a registrable-looking name under it: not an address, not a lone label.
  if (normal.host.startsWith("[") || parseIp(normal.host) || !normal.host.includes(".")) return null;
  return {
    kind: "wildcard",
    scheme,
    baseHost: normal.host,
    port: normal.port,
    origin: `${scheme}://*.${normal.host}${portSuffix}`,
  };
}

/** `HTTPS://App.Example.com:443` → `https://app.example.com`; null when invalid. */
export function canonicalOrigin(text: string): string | null {
  return parseAllowedOrigin(text)?.origin ?? null;
}

export type OriginMatcher = (origin: string) => boolean;

interface CompiledWildcard {
  /** `https://` */
  readonly prefix: string;
  /** `.example.com` plus `:port` when the entry has one. */
  readonly suffix: string;
}

function matchesWildcard(origin: string, wildcard: CompiledWildcard): boolean {
  const { prefix, suffix } = wildcard;
  if (origin.length <= prefix.length + suffix.length) return false;
  if (!origin.startsWith(prefix) || !origin.endsWith(suffix)) return false;
  // The labels in front of the base: at least one, none empty.
  const sub = origin.slice(prefix.length, origin.length - suffix.length);
  if (sub.startsWith(".") || sub.endsWith(".") || sub.includes("..")) return false;
  // Only a canonical serialisation counts; this also rules out ports, userinfo and paths in `sub`.
  try {
    return new URL(origin).origin === origin;
  } catch {
    return false;
  }
}

/**
 * A predicate for "the `Origin` header value `origin` is allowed by `list`".
 * Exact entries are a set lookup; wildcards cost a URL parse only for a
 * candidate that already has the right scheme, suffix and port. Throws when an
 * entry is invalid: lists are validated with `parseAllowedOrigin` before they
 * are stored, so a bad entry here is a bug.
 */
export function originMatcher(list: readonly string[]): OriginMatcher {
  const exact = new Set<string>();
  const wildcards: CompiledWildcard[] = [];
  list.forEach((entry, index) => {
    const parsed = parseAllowedOrigin(entry);
    if (!parsed) throw new TypeError(`originMatcher: entry ${index} is not a valid origin`);
    if (parsed.kind === "exact") {
      exact.add(parsed.origin);
    } else {
      wildcards.push({ prefix: `${parsed.scheme}://`, suffix: `.${parsed.baseHost}${parsed.port ? `:${parsed.port}` : ""}` });
    }
  });

  return (origin: string): boolean => {
    if (typeof origin !== "string" || origin.length > MAX_ORIGIN_LENGTH) return false;
    if (exact.has(origin)) return true;
    for (const wildcard of wildcards) {
      if (matchesWildcard(origin, wildcard)) return true;
    }
    return false;
  };
}
