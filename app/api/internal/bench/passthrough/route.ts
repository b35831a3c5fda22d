import { Readable } from "node:stream";
import { env } from "@/lib/env";
import { gatewayConfig } from "@/lib/gateway/config";
import { upstreamClient } from "@/lib/gateway/upstream";
import { AppError } from "@/lib/security/errors";
import { withPublic } from "@/lib/security/route";

export const dynamic = "force-dynamic";

/**
 * The gateway benchmark's baseline: the request body sent as it came to the
 * OpenAI upstream, through the gateway's own HTTP client, and the answer
 * returned as it came, with no key, limit, validation or usage record in
 * between. It exists only in a server started with GATEHOUSE_BENCH=1 (by
 * `npm run bench:gateway`); any other server answers 404, as for a route that
 * is not there.
 */
export const POST = withPublic({}, async (_meta, { req }) => {
  if (!env().GATEHOUSE_BENCH) throw new AppError("not_found");
  let res;
  try {
    res = await upstreamClient().request({
      method: "POST",
      url: `${gatewayConfig().baseUrls.openai}/chat/completions`,
      headers: {
        authorization: `Bearer ${req.headers.get("x-provider-key") ?? ""}`,
        "content-type": "application/json",
        accept: req.headers.get("accept") ?? "application/json",
      },
      body: await req.text(),
      signal: req.signal,
    });
  } catch {
    throw new AppError("upstream_unavailable");
  }
  const type = String(res.headers["content-type"] ?? "application/json");
  // JSON is read whole, as the gateway reads it; an event stream is relayed as it comes.
  const body = type.startsWith("text/event-stream") ? (Readable.toWeb(res.body) as ReadableStream<Uint8Array>) : await res.body.arrayBuffer();
  return new Response(body, { status: res.statusCode, headers: { "content-type": type } });
});
