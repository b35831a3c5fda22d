import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { chatCompletion, listModels } from "@/lib/gateway/providers";
import type { ChatCompletionRequest } from "@/lib/gateway/schemas";
import type { ChatOutcome, Provider, StreamOutcome } from "@/lib/gateway/types";
import { createUpstreamClient, type UpstreamClient } from "@/lib/gateway/upstream";
import { startUpstreamServer, type UpstreamServer } from "@/tests/support/upstream-server";

/** What happens when the client leaves, the upstream is slow, down, or not allowed. */
const KEYS = { openai: "sk-proj-fail-0123456789abcdefghijklmnopqrstuv", anthropic: "sk-ant-api03-fail-0123456789abcdefghijklmnop" };
const PROVIDERS = ["openai", "anthropic"] as const;

const chat = (model: string, body: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({ model, messages: [{ role: "user", content: "one two three four five six" }], ...body });

function asStream(outcome: ChatOutcome): StreamOutcome {
  if (outcome.kind !== "stream") throw new Error(`expected a stream, got ${JSON.stringify(outcome)}`);
  return outcome;
}

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const piece of stream) text += new TextDecoder().decode(piece);
  return text;
}

describe("adapter failures", () => {
  let server: UpstreamServer;
  let privateClient: UpstreamClient;
  let publicOnly: UpstreamClient;
  const written: string[] = [];
  const baseUrl = (provider: Provider, root = server.url) => (provider === "openai" ? `${root}/v1` : root);
  const target = (provider: Provider, root?: string) => ({ provider, baseUrl: baseUrl(provider, root), apiKey: KEYS[provider] });

  beforeAll(async () => {
    server = await startUpstreamServer({ openaiKey: KEYS.openai, anthropicKey: KEYS.anthropic });
    privateClient = createUpstreamClient({ allowPrivate: true, timeoutMs: 5_000 });
    publicOnly = createUpstreamClient({ allowPrivate: false, timeoutMs: 5_000 });
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
      const spy = (chunk: unknown, ...rest: unknown[]) => {
        written.push(String(chunk));
        return write(chunk, ...rest);
      };
      vi.spyOn(stream, "write").mockImplementation(spy as typeof stream.write);
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await Promise.all([privateClient.close(), publicOnly.close()]);
    await server.close();
  });

  describe.each(PROVIDERS)("%s", (provider) => {
    const model = provider === "openai" ? "gpt-4o" : "claude-x";

    it("aborting the signal mid-stream closes the upstream request", async () => {
      server.tokenDelayMs = 40;
      try {
        const seen = server.disconnects;
        const controller = new AbortController();
        const outcome = asStream(await chatCompletion(target(provider), chat(model, { stream: true }), { client: privateClient, signal: controller.signal }));
        const reader = outcome.stream.getReader();
        expect((await reader.read()).done).toBe(false);
        controller.abort();
        await server.waitForDisconnects(seen + 1);
        expect(await outcome.done).toMatchObject({ error: "client_closed" });
        await expect(reader.read()).rejects.toThrow();
      } finally {
        server.tokenDelayMs = 0;
      }
    });

    it("cancelling the stream closes the upstream request", async () => {
      server.tokenDelayMs = 40;
      try {
        const seen = server.disconnects;
        const outcome = asStream(await chatCompletion(target(provider), chat(model, { stream: true }), { client: privateClient }));
        const reader = outcome.stream.getReader();
        await reader.read();
        await reader.cancel();
        await server.waitForDisconnects(seen + 1);
        expect(await outcome.done).toMatchObject({ error: "client_closed" });
      } finally {
        server.tokenDelayMs = 0;
      }
    });

    it("aborting before the headers closes the upstream request and answers 499", async () => {
      const seen = server.disconnects;
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const outcome = await chatCompletion(target(provider), chat("slow-3000"), { client: privateClient, signal: controller.signal });
      expect(outcome).toMatchObject({ kind: "error", status: 499, code: "client_closed" });
      await server.waitForDisconnects(seen + 1);
    });

    it("a slow upstream is a 504; a stream that stalls ends with a timeout error event", async () => {
      const started = performance.now();
      expect(await chatCompletion(target(provider), chat("slow-3000"), { client: privateClient, timeoutMs: 200 })).toMatchObject({
        kind: "error",
        status: 504,
        code: "upstream_timeout",
        body: { error: { code: "upstream_timeout", type: "gateway_error" } },
      });
      expect(performance.now() - started).toBeLessThan(2_000);
      // undici checks body timeouts on a coarse clock (about a second); the gap is well beyond it.
      server.tokenDelayMs = 2_000;
      try {
        const outcome = asStream(await chatCompletion(target(provider), chat(model, { stream: true }), { client: privateClient, timeoutMs: 300 }));
        const text = await readText(outcome.stream);
        expect(text).toMatch(/"code":"upstream_timeout".*\n\ndata: \[DONE\]\n\n$/s);
        expect((await outcome.done).error).toBe("upstream_timeout");
      } finally {
        server.tokenDelayMs = 0;
      }
    });

    it("an upstream that drops the connection mid-stream ends the stream with an error event", async () => {
      const outcome = asStream(await chatCompletion(target(provider), chat("truncate", { stream: true }), { client: privateClient }));
      const text = await readText(outcome.stream);
      expect(text).toContain('"code":"upstream_unavailable"');
      expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
      expect((await outcome.done).error).toBe("upstream_unavailable");
    });

    it("an error event from the upstream reaches the client in OpenAI's shape", async () => {
      const outcome = asStream(await chatCompletion(target(provider), chat("stream-error", { stream: true }), { client: privateClient }));
      const text = await readText(outcome.stream);
      expect(text).toMatch(/data: \{"error":\{"message":"[^"]+","type":"(server_error|overloaded_error)"/);
      expect((await outcome.done).error).toBe("upstream_error");
    });

    it("an unreachable upstream is a 502 that names no address", async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const outcome = await chatCompletion(target(provider, `http://127.0.0.1:${port}`), chat(model), { client: privateClient });
      expect(outcome).toMatchObject({ kind: "error", status: 502, code: "upstream_unavailable" });
      expect(JSON.stringify(outcome)).not.toMatch(new RegExp(`127\\.0\\.0\\.1|${port}|ECONNREFUSED`));
    });
  });

  describe("SSRF: upstream addresses", () => {
    const port = () => new URL(server.url).port;
    const rebinding = (allowPrivate: boolean) => createUpstreamClient({ allowPrivate, resolve: async () => [{ address: "127.0.0.1", family: 4 }] });

    it.each([
      ["loopback literal", () => `http://127.0.0.1:${port()}`],
      ["IPv6 loopback", () => `http://[::1]:${port()}`],
      ["IPv4-mapped loopback", () => `http://[::ffff:127.0.0.1]:${port()}`],
      ["name resolving to loopback", () => `http://localhost:${port()}`],
      ["metadata address", () => "http://169.254.169.254"],
      ["private address", () => "http://10.0.0.1"],
    ])("refuses a %s when private upstreams are not allowed", async (_name, root) => {
      const before = server.requests.length;
      for (const provider of PROVIDERS) {
        const outcome = await chatCompletion(target(provider, root()), chat("gpt-4o"), { client: publicOnly });
        expect(outcome).toMatchObject({ kind: "error", status: 502, code: "upstream_forbidden", body: { error: { code: "upstream_forbidden" } } });
        expect(JSON.stringify(outcome)).not.toMatch(/127\.0\.0\.1|::1|169\.254|10\.0\.0\.1|localhost/);
        expect(await listModels(target(provider, root()), { client: publicOnly })).toMatchObject({ status: 502, code: "upstream_forbidden" });
      }
      expect(server.requests.length).toBe(before);
    });

    it("checks the resolved address at connect time: a public-looking name resolving to loopback is refused", async () => {
      const client = rebinding(false);
      const outcome = await chatCompletion(target("openai", `http://llm.example.test:${port()}`), chat("gpt-4o"), { client });
      expect(outcome).toMatchObject({ status: 502, code: "upstream_forbidden" });
      await client.close();
    });

    it("allows loopback and private names when private upstreams are allowed", async () => {
      const client = rebinding(true);
      expect(await chatCompletion(target("openai", `http://llm.example.test:${port()}`), chat("gpt-4o"), { client })).toMatchObject({ kind: "json", status: 200 });
      expect(await chatCompletion(target("anthropic", `http://localhost:${port()}`), chat("claude-x"), { client: privateClient })).toMatchObject({ kind: "json", status: 200 });
      await client.close();
    });

    it("refuses metadata endpoints even when private upstreams are allowed", async () => {
      for (const root of ["http://169.254.169.254", "http://metadata.google.internal", "http://[fd00:ec2::254]"]) {
        expect(await chatCompletion(target("openai", root), chat("gpt-4o"), { client: privateClient })).toMatchObject({ status: 502, code: "upstream_forbidden" });
      }
    });
  });

  it("no provider key in any log line written during these tests", () => {
    const all = written.join("\n");
    for (const key of Object.values(KEYS)) expect(all).not.toContain(key);
  });
});
