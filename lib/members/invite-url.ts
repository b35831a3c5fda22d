import { env } from "@/lib/env";

/** Where invitation links point: the configured public URL, else the request's own origin. */
export function inviteUrl(headers: Headers, token: string): string {
  const configured = env().NEXTAUTH_URL;
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? "localhost:3000";
  const proto = headers.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  const origin = configured ? new URL(configured).origin : `${proto}://${host}`;
  return `${origin}/invite/${encodeURIComponent(token)}`;
}
