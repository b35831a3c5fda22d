import { isIP } from "node:net";
import { isForbiddenUpstreamAddress, isMetadataHostname } from "@/lib/net/address";

/**
 * Which upstream addresses the gateway refuses to connect to. By default
 * everything but public addresses (loopback, private, link-local, metadata,
 * reserved…: lib/net/address decides). With private upstreams allowed (a
 * self-hosted model server on the operator's network), only cloud metadata
 * endpoints stay refused: no LLM provider lives there, and they hand out
 * credentials.
 */
export function refusesAddress(ip: string, allowPrivate: boolean): boolean {
  if (!allowPrivate) return isForbiddenUpstreamAddress(ip);
  return isIP(ip) === 0 || isMetadataHostname(ip);
}

/** A host name (or literal) that names a cloud metadata service: refused whatever the policy. */
export function refusesHostname(host: string): boolean {
  return isMetadataHostname(host);
}
