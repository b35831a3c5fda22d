import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, buildConnector, request, type Dispatcher } from "undici";
import { refusesAddress, refusesHostname } from "./address-policy";
import { gatewayConfig } from "./config";
import { GatewayFailure } from "./errors";

/**
 * The HTTP client for upstream providers: one undici Agent per policy, kept
 * alive across requests. Upstream base URLs come from operator configuration,
 * yet the gateway still refuses to connect to loopback, private, link-local
 * and metadata addresses unless private upstreams are allowed. The check runs
 * at connect time, on every address a name resolves to (so a name that
 * resolves differently later — DNS rebinding — is checked again), and on
 * literal IP hosts, which never go through name resolution.
 *
 * Every failure comes out as a GatewayFailure with a fixed message: no
 * address, URL or key from the connection ever reaches an error.
 */
export interface UpstreamClientOptions {
  allowPrivate: boolean;
  /** Default wait for response headers and between body chunks. */
  timeoutMs?: number;
  /** Connections per upstream origin. */
  connections?: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Name resolution (all addresses); tests inject one to play DNS. */
  resolve?: (hostname: string, family: number) => Promise<LookupAddress[]>;
}

export interface UpstreamRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type UpstreamResponse = Dispatcher.ResponseData;

export interface UpstreamClient {
  readonly timeoutMs: number;
  /** Resolves with the response (any status); rejects with a GatewayFailure only. */
  request(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

const FORBIDDEN = "GATEHOUSE_UPSTREAM_FORBIDDEN";
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);

function forbidden(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error("upstream address refused by the network policy");
  error.code = FORBIDDEN;
  return error;
}

function defaultResolve(hostname: string, family: number): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, family }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });
}

/** A `net.connect` lookup that refuses the whole name when any of its addresses is refused. */
export function guardedLookup(allowPrivate: boolean, resolve = defaultResolve): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === "number" ? options.family : 0;
    resolve(hostname, family).then(
      (addresses) => {
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error("no address");
          error.code = "ENOTFOUND";
          return callback(error, "", 0);
        }
        if (addresses.some((a) => refusesAddress(a.address, allowPrivate))) return callback(forbidden(), "", 0);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
  }
  return codes;
}

/** What an error from undici (or a body stream) means for the client. */
export function classifyUpstreamError(error: unknown, signal?: AbortSignal): GatewayFailure {
  if (error instanceof GatewayFailure) return error;
  if (signal?.aborted) return new GatewayFailure("client_closed");
  const codes = errorCodes(error);
  if (codes.includes(FORBIDDEN)) return new GatewayFailure("upstream_forbidden");
  if (codes.some((code) => TIMEOUT_CODES.has(code))) return new GatewayFailure("upstream_timeout");
  return new GatewayFailure("upstream_unavailable");
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const base = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: guardedLookup(options.allowPrivate, options.resolve),
    keepAlive: true,
    keepAliveInitialDelay: 60_000,
  });
  const connect: buildConnector.connector = (opts, callback) => {
    const host = opts.hostname.replace(/^\[|\]$/g, "");
    if (refusesHostname(host) || (isIP(host) !== 0 && refusesAddress(host, options.allowPrivate))) {
      return callback(forbidden(), null);
    }
    base(opts, callback);
  };
  const agent = new Agent({
    connect,
    connections: options.connections ?? 256,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: 10 * 60_000,
    pipelining: 1,
  });

  return {
    timeoutMs,
    async request(req) {
      const url = URL.parse(req.url);
      if (url?.protocol !== "https:" && url?.protocol !== "http:") throw new GatewayFailure("upstream_forbidden");
      const wait = req.timeoutMs ?? timeoutMs;
      try {
        return await request(url, {
          dispatcher: agent,
          method: req.method,
          headers: req.headers,
          body: req.body,
          signal: req.signal,
          headersTimeout: wait,
          bodyTimeout: wait,
        });
      } catch (error) {
        throw classifyUpstreamError(error, req.signal);
      }
    },
    close: () => agent.close(),
  };
}

const globalForUpstream = globalThis as unknown as { gatehouseUpstreamClient?: UpstreamClient };

/** The process-wide client, configured from the environment (one Agent, shared by every request). */
export function upstreamClient(): UpstreamClient {
  if (!globalForUpstream.gatehouseUpstreamClient) {
    const settings = gatewayConfig();
    globalForUpstream.gatehouseUpstreamClient = createUpstreamClient({
      allowPrivate: settings.allowPrivateUpstreams,
      timeoutMs: settings.upstreamTimeoutMs,
    });
  }
  return globalForUpstream.gatehouseUpstreamClient;
}

/** Reads a JSON body of at most `limit` bytes; failures come out classified. */
export async function readJson(res: UpstreamResponse, signal?: AbortSignal, limit = 16 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        res.body.destroy();
        throw new GatewayFailure("upstream_invalid_response");
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw classifyUpstreamError(error, signal);
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Discards a body we will not read, so its connection can be reused. */
export function discard(res: UpstreamResponse): void {
  res.body.dump().catch(() => undefined);
}
