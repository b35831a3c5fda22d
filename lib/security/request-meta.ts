import { isIP } from "node:net";

/** What every audit event and log line knows about the request behind it. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;

export function newRequestId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** Reuse the id the proxy assigned (same format only), else mint one. */
export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && REQUEST_ID.test(incoming) ? incoming : newRequestId();
}

function normalise(ip: string | undefined): string | null {
  if (!ip) return null;
  let value = ip.trim();
  if (value.startsWith("[") && value.includes("]")) value = value.slice(1, value.indexOf("]"));
  if (value.startsWith("::ffff:") && isIP(value.slice(7)) === 4) value = value.slice(7);
  return isIP(value) ? value : null;
}

/**
 * The client address. Forwarding headers are believed only as far as the
 * operator says (`TRUSTED_PROXY_HOPS`): with N trusted proxies in front, the
 * client is the Nth entry from the right of X-Forwarded-For. With 0, the
 * rightmost entry is used, which is the peer address Next's own server records.
 * On Vercel, its edge sets `x-real-ip`, which clients cannot override.
 */
export function clientIp(headers: Headers, trustedHops: number, onVercel = process.env.VERCEL === "1"): string | null {
  if (onVercel) return normalise(headers.get("x-real-ip") ?? undefined);
  const chain = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (chain.length === 0) return null;
  const index = Math.max(0, chain.length - Math.max(1, trustedHops));
  return normalise(chain[index]);
}

export function requestMeta(headers: Headers, trustedHops: number): RequestMeta {
  return {
    requestId: requestIdFrom(headers),
    ip: clientIp(headers, trustedHops),
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? null,
  };
}
