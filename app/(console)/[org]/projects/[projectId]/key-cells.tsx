import { formatDate, formatDateTime } from "@/components/format";
import { formatRelative } from "@/components/relative-time";
import { Badge } from "@/components/ui/badge";
import type { KeyRow } from "./key-draft";

export function KeyStatus({ apiKey }: { apiKey: KeyRow }) {
  if (apiKey.status === "revoked") {
    return (
      <span className="space-y-0.5">
        <Badge tone="danger">Revoked</Badge>
        {apiKey.revokedAt ? <span className="block text-xs text-zinc-500">{formatDateTime(apiKey.revokedAt)}</span> : null}
      </span>
    );
  }
  if (apiKey.status === "expired") return <Badge>Expired</Badge>;
  if (apiKey.flaggedAt) {
    // The org's SCIM key policy is FLAG: the key keeps working until an admin revokes or keeps it.
    return (
      <span className="space-y-0.5">
        <Badge tone="warning">Creator deprovisioned</Badge>
        <span className="block text-xs text-zinc-500">
          Since <time dateTime={apiKey.flaggedAt}>{formatDateTime(apiKey.flaggedAt)}</time>; still works
        </span>
      </span>
    );
  }
  if (apiKey.previousSecretExpiresAt) {
    return (
      <span className="space-y-0.5">
        <Badge tone="warning">Rotating</Badge>
        <span className="block text-xs text-zinc-500">
          Old secret works until <time dateTime={apiKey.previousSecretExpiresAt}>{formatDateTime(apiKey.previousSecretExpiresAt)}</time>
        </span>
      </span>
    );
  }
  return <Badge tone="success">Active</Badge>;
}

export function KeyScopes({ scopes }: { scopes: readonly string[] }) {
  return (
    <ul className="flex flex-wrap gap-1">
      {scopes.map((scope) => (
        <li key={scope}>
          <Badge tone={scope.startsWith("management:") ? "accent" : "neutral"} className="font-mono">
            {scope}
          </Badge>
        </li>
      ))}
    </ul>
  );
}

function count(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * IP allowlist, allowed origins and rate limit in two or three short lines;
 * longer lists open in place.
 */
export function KeyRestrictions({ apiKey }: { apiKey: KeyRow }) {
  const { ipAllowlist: ips, allowedOrigins: origins, rateLimit } = apiKey;
  // [short text, full text for the tooltip]
  const lines = [
    ips.length === 0 ? ["Any IP", "Calls from any IP address"] : ips.length === 1 ? [ips[0]!, `Only from ${ips[0]}`] : [count(ips.length, "IP range", "IP ranges"), ips.join("\n")],
    origins.length === 0
      ? ["No origins", "Browser calls refused (no allowed origins)"]
      : origins.length === 1
        ? [origins[0]!, `Browser calls only from ${origins[0]}`]
        : [count(origins.length, "origin", "origins"), origins.join("\n")],
    rateLimit === null ? ["Default limit", "The default rate limit"] : [`${rateLimit.toLocaleString("en")}/min`, `${rateLimit.toLocaleString("en")} requests per minute`],
  ];
  const summary = (
    <span className="block space-y-0.5 text-xs">
      {lines.map(([short, full]) => (
        <span key={short} className="block max-w-48 truncate" title={full}>
          {short}
        </span>
      ))}
    </span>
  );
  if (ips.length <= 1 && origins.length <= 1) return summary;
  return (
    <details className="group">
      <summary className="cursor-pointer list-none rounded marker:hidden [&::-webkit-details-marker]:hidden" title={[...ips, ...origins].join("\n")}>
        {summary}
        <span className="text-xs font-medium text-accent-700 group-open:hidden">Show all</span>
        <span className="hidden text-xs font-medium text-accent-700 group-open:inline">Hide</span>
      </summary>
      <div className="mt-1.5 space-y-1.5 text-xs">
        {ips.length > 0 ? (
          <ul aria-label="IP ranges" className="space-y-0.5 font-mono">
            {ips.map((ip) => (
              <li key={ip}>{ip}</li>
            ))}
          </ul>
        ) : null}
        {origins.length > 0 ? (
          <ul aria-label="Browser origins" className="space-y-0.5 font-mono">
            {origins.map((origin) => (
              <li key={origin} className="break-all">
                {origin}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </details>
  );
}

export function KeyExpiry({ apiKey, now }: { apiKey: KeyRow; now: string }) {
  if (!apiKey.expiresAt) return <span className="text-zinc-500">Never</span>;
  return (
    <span className="block">
      <time dateTime={apiKey.expiresAt} title={formatDateTime(apiKey.expiresAt)} className="block whitespace-nowrap">
        {formatDate(apiKey.expiresAt)}
      </time>
      <span className="block text-xs text-zinc-500">{formatRelative(apiKey.expiresAt, now)}</span>
    </span>
  );
}

export function KeyCreated({ apiKey, now }: { apiKey: KeyRow; now: string }) {
  return (
    <span className="block">
      <time dateTime={apiKey.createdAt} title={formatDateTime(apiKey.createdAt)} className="block whitespace-nowrap">
        {formatRelative(apiKey.createdAt, now)}
      </time>
      {apiKey.createdBy ? (
        <span className="block max-w-32 truncate text-xs text-zinc-500" title={apiKey.createdBy}>
          by {apiKey.createdBy}
        </span>
      ) : null}
    </span>
  );
}

export function KeyLastUsed({ apiKey, now }: { apiKey: KeyRow; now: string }) {
  if (!apiKey.lastUsedAt) return <span className="text-zinc-400">Never</span>;
  return (
    <time dateTime={apiKey.lastUsedAt} title={formatDateTime(apiKey.lastUsedAt)} className="whitespace-nowrap">
      {formatRelative(apiKey.lastUsedAt, now)}
    </time>
  );
}
