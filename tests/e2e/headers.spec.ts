import { expect, test } from "@playwright/test";

const BYPASS = {
  "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware",
  "x-middleware-subrequest-id": "1",
};

test("pages carry the security headers with a fresh CSP nonce per response", async ({ request }) => {
  const nonces = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const res = await request.get("/sign-in");
    expect(res.status()).toBe(200);
    const h = res.headers();
    const csp = h["content-security-policy"] ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(h["strict-transport-security"]).toContain("max-age=");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["permissions-policy"]).toContain("camera=()");
    expect(h["cross-origin-opener-policy"]).toBe("same-origin");
    expect(h["x-request-id"]).toMatch(/^[a-f0-9]{32}$/);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(await res.text()).toContain(`nonce="${nonce}"`);
    nonces.add(nonce!);
  }
  expect(nonces.size).toBe(3);
});

test("API responses outside the proxy carry the headers from the pipeline", async ({ request }) => {
  const res = await request.get("/api/v1/me");
  expect(res.status()).toBe(401);
  const h = res.headers();
  expect(h["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(h["x-request-id"]).toBeTruthy();
  expect(h["strict-transport-security"]).toContain("max-age=");
  expect(await res.json()).toMatchObject({ error: { code: "unauthenticated", requestId: h["x-request-id"] } });
});

test("middleware-bypass headers reach nothing: pages still redirect, APIs still refuse", async ({ request }) => {
  const api = await request.get("/api/v1/orgs", { headers: BYPASS });
  expect(api.status()).toBe(401);
  const page = await request.get("/demo/projects", { headers: BYPASS, maxRedirects: 0 });
  expect([307, 308, 303, 302]).toContain(page.status());
  expect(page.headers()["location"]).toContain("/sign-in");
  expect(page.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});
