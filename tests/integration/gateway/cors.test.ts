import { describe, expect, it } from "vitest";
import { OPTIONS as preflight } from "@/app/api/v1/chat/completions/route";
import { PATCH as patchKey } from "@/app/api/v1/orgs/[orgId]/projects/[projectId]/api-keys/[keyId]/route";
import { makeApiKey, makeTenant, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";

async function ask(origin: string | null, requestHeaders = "authorization, content-type, x-stainless-os") {
  return callRoute(preflight as never, "OPTIONS", "/api/v1/chat/completions", {
    origin: null,
    headers: { ...(origin ? { origin } : {}), "access-control-request-method": "POST", "access-control-request-headers": requestHeaders },
  });
}

describe("CORS on the SDK endpoints", () => {
  it("grants a preflight only to an origin some live key allows, never with a wildcard or credentials", async () => {
    const t = await makeTenant("Cors");
    await makeApiKey(t.org.id, t.project.id, { allowedOrigins: ["https://cors-app.example.com", "https://*.cors-suite.example"] });
    await makeApiKey(t.org.id, t.project.id, { allowedOrigins: ["https://revoked-origin.example"], revokedAt: new Date() });

    for (const origin of ["https://cors-app.example.com", "https://eu.cors-suite.example"]) {
      const granted = await ask(origin);
      expect(granted.status, origin).toBe(204);
      expect(granted.headers.get("access-control-allow-origin")).toBe(origin);
      expect(granted.headers.get("access-control-allow-credentials")).toBeNull();
      expect(granted.headers.get("access-control-allow-headers")).toContain("x-stainless-os");
      expect(granted.headers.get("vary")).toContain("Origin");
    }
    for (const origin of ["https://cors-app.example.com.evil.test", "https://cors-suite.example", "http://cors-app.example.com", "https://revoked-origin.example", "null"]) {
      const refused = await ask(origin);
      expect(refused.status, origin).toBe(403);
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    }
    expect((await ask(null)).status).toBe(403);
  });

  it("grants a newly allowed origin at once on the instance that changed the key", async () => {
    const t = await makeTenant("CorsChange");
    expect((await ask("https://late-app.example.com")).status).toBe(403);
    const cookie = await sessionCookie(t.members.ADMIN.user.id);
    const res = await callRoute(patchKey, "PATCH", "/x", {
      cookie,
      params: { orgId: t.org.id, projectId: t.project.id, keyId: t.apiKey.id },
      body: { allowedOrigins: ["https://late-app.example.com"] },
    });
    expect(res.status).toBe(200);
    expect((await ask("https://late-app.example.com")).status).toBe(204);
  });
});
