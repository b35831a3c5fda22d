import { NextRequest } from "next/server";
import type { RouteHandler } from "@/lib/security/route";

export const ORIGIN = "http://localhost:3000";

export interface CallOptions {
  cookie?: string | null;
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead of a JSON body (an HTML form post, such as a SAML response). */
  form?: Record<string, string>;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** The Origin header of a write; null sends none (a server-side API caller). */
  origin?: string | null;
}

/** Call a route handler the way Next does: a NextRequest and a params promise. */
export async function callRoute(handler: RouteHandler, method: string, path: string, options: CallOptions = {}) {
  const headers = new Headers({ host: "localhost:3000", "user-agent": "vitest", "x-forwarded-for": "203.0.113.7", ...options.headers });
  if (options.cookie) headers.set("cookie", options.cookie);
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  if (method !== "GET" && method !== "HEAD" && !headers.has("origin") && origin !== null) headers.set("origin", origin);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers.set("content-type", "application/json");
  }
  if (options.form !== undefined) {
    body = new URLSearchParams(options.form).toString();
    headers.set("content-type", "application/x-www-form-urlencoded");
  }
  const req = new NextRequest(new URL(path, ORIGIN), { method, headers, body });
  const response = await handler(req, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json, text };
}
