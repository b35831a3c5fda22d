import { Redis, type Requester } from "@upstash/redis";
import { increment } from "@/lib/metrics";

/**
 * The `@upstash/redis` clients the shared backends run `@upstash/ratelimit`
 * on, with two properties the limiter depends on:
 *
 * - Auto-pipelining: commands issued in one tick leave as one `["pipeline"]`
 *   request, one round trip (the client's `autoPipeline()`, which the URL
 *   constructor applies by default but the `Requester` constructor does not;
 *   it is protected, hence the subclass). The checks of a multi-check are
 *   issued in one tick, so they share a round trip.
 * - Every request to the store is counted as `redisRoundTrips`: here for
 *   Upstash REST (each HTTP request, a retry included), in ./redis-requester
 *   for a plain Redis.
 */
class StoreClient extends Redis {
  /** A client over `requester` whose commands of one tick go out as one pipeline. */
  static pipelined(requester: Requester): Redis {
    return new StoreClient(requester).autoPipeline();
  }

  /** The REST client's own HTTP requester, making exactly one HTTP request per call. */
  static http(url: string, token: string, timeoutMs: number): Requester {
    return new StoreClient({
      url,
      token,
      enableTelemetry: false,
      enableAutoPipelining: false,
      // `retries: 0` is one attempt (`retry: false` is two); retrying is done below, where it is counted.
      retry: { retries: 0, backoff: () => 0 },
      signal: () => AbortSignal.timeout(timeoutMs),
    }).client;
  }
}

export const pipelinedRedis = StoreClient.pipelined;

const RETRY_AFTER_MS = 50;

/** A dropped connection, as fetch reports it; not an HTTP error, a timeout or an abort. */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError;
}

/**
 * Upstash REST as a `Requester`: one quick retry for a dropped connection
 * (the limiter's deadline bounds the rest), each attempt counted.
 */
export function upstashRestRequester(url: string, token: string, timeoutMs: number): Requester {
  const http = StoreClient.http(url, token, timeoutMs);
  return {
    async request(req) {
      for (let attempt = 0; ; attempt++) {
        increment("redisRoundTrips");
        try {
          return await http.request(req);
        } catch (error) {
          if (attempt > 0 || !isNetworkFailure(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
        }
      }
    },
  };
}
