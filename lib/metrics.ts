/**
 * Process-wide counters for what the SDK hot path costs: database queries and
 * rate-limit store round trips. Read by the operator metrics route and the
 * gateway benchmark; cheap enough to keep on in production (plain integers).
 */
export const METRIC_NAMES = [
  "dbQueries",
  "redisRoundTrips",
  "gatewayRequests",
  "apiKeyCacheHits",
  "apiKeyCacheMisses",
  "vaultCacheHits",
  "vaultCacheMisses",
  "usageRecordsWritten",
  "usageRecordsDropped",
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

type Counters = Record<MetricName, number>;

const globalForMetrics = globalThis as unknown as { gatehouseMetrics?: Counters };

function counters(): Counters {
  globalForMetrics.gatehouseMetrics ??= Object.fromEntries(METRIC_NAMES.map((name) => [name, 0])) as Counters;
  return globalForMetrics.gatehouseMetrics;
}

export function increment(name: MetricName, by = 1): void {
  counters()[name] += by;
}

export function snapshot(): Counters {
  return { ...counters() };
}
