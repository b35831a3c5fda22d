import { describe, expect, it } from "vitest";
import { GET as getProjects, POST as createProject } from "@/app/api/v1/orgs/[orgId]/projects/route";
import { PATCH as patchProject } from "@/app/api/v1/orgs/[orgId]/projects/[projectId]/route";
import { GET as health } from "@/app/api/health/route";
import { GET as me } from "@/app/api/v1/me/route";
import { db } from "@/lib/db/client";
import { makeTenant, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";

const BYPASS_HEADERS = {
  "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware",
  "x-middleware-prefetch": "1",
  "x-nextjs-data": "1",
  "x-invoke-path": "/api/v1/me",
};

describe("the pipeline", () => {
  it("answers every response with x-request-id and the security headers", async () => {
    const res = await callRoute(health, "GET", "/api/health");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "ok", database: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("permissions-policy")).toContain("camera=()");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  });

  it("reports the rate limit on org and user doors alike", async () => {
    const t = await makeTenant("Limits");
    const cookie = await sessionCookie(t.members.VIEWER.user.id);
    for (const res of [await callRoute(me, "GET", "/api/v1/me", { cookie }), await callRoute(getProjects, "GET", "/x", { cookie, params: { orgId: t.org.id } })]) {
      expect(res.headers.get("ratelimit-limit")).toBe("120");
      expect(Number(res.headers.get("ratelimit-remaining"))).toBeLessThan(120);
    }
  });

  it("keeps a well-formed incoming request id and replaces a malformed one", async () => {
    const kept = await callRoute(health, "GET", "/api/health", { headers: { "x-request-id": "abcdef0123456789" } });
    expect(kept.headers.get("x-request-id")).toBe("abcdef0123456789");
    const replaced = await callRoute(health, "GET", "/api/health", { headers: { "x-request-id": "<script>" } });
    expect(replaced.headers.get("x-request-id")).not.toBe("<script>");
  });

  it("still demands a session when middleware-bypass headers are sent (CVE-2025-29927)", async () => {
    const res = await callRoute(me, "GET", "/api/v1/me", { headers: BYPASS_HEADERS });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { code: "unauthenticated" } });
  });

  it("rejects a forged or foreign-secret session token", async () => {
    const res = await callRoute(me, "GET", "/api/v1/me", { cookie: "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.x.y.z.w" });
    expect(res.status).toBe(401);
  });

  it("answers invalid input with 422 and field issues, bad JSON with 400, and loses nothing", async () => {
    const t = await makeTenant("Input");
    const cookie = await sessionCookie(t.members.OWNER.user.id);
    const params = { orgId: t.org.id, projectId: t.project.id };
    const invalid = await callRoute(patchProject, "PATCH", "/x", { cookie, params, body: { name: "" } });
    expect(invalid.status).toBe(422);
    expect(invalid.json).toMatchObject({ error: { code: "validation_failed", issues: expect.arrayContaining([expect.objectContaining({ path: "name" })]) } });
    const notJson = await callRoute(createProject, "POST", "/x", { cookie, params, headers: { "content-type": "application/json" } });
    expect([400, 415]).toContain(notJson.status);
    const wrongType = await callRoute(patchProject, "PATCH", "/x", { cookie, params, body: { name: 42, extra: true } });
    expect(wrongType.status).toBe(422);
    expect((await db.project.findUnique({ where: { id: t.project.id } }))?.name).toBe(t.project.name);
  });

  it("answers a malformed org id with 404, not 500", async () => {
    const t = await makeTenant("Malformed");
    const cookie = await sessionCookie(t.members.OWNER.user.id);
    const res = await callRoute(getProjects, "GET", "/x", { cookie, params: { orgId: "not-a-uuid'; drop table orgs;--" } });
    expect(res.status).toBe(404);
  });

  it("refuses a cross-site write even with a valid session", async () => {
    const t = await makeTenant("Csrf");
    const cookie = await sessionCookie(t.members.OWNER.user.id);
    const res = await callRoute(createProject, "POST", "/x", {
      cookie,
      params: { orgId: t.org.id },
      body: { name: "From elsewhere" },
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: "csrf_failed" } });
  });

  it("loads the role fresh: a demotion or removal takes effect on the next request", async () => {
    const t = await makeTenant("Fresh");
    const admin = t.members.ADMIN;
    const cookie = await sessionCookie(admin.user.id);
    const params = { orgId: t.org.id };
    expect((await callRoute(createProject, "POST", "/x", { cookie, params, body: { name: "Before demotion" } })).status).toBe(201);
    await db.membership.update({ where: { id: admin.membership.id }, data: { role: "VIEWER" } });
    expect((await callRoute(createProject, "POST", "/x", { cookie, params, body: { name: "After demotion" } })).status).toBe(403);
    await db.membership.delete({ where: { id: admin.membership.id } });
    expect((await callRoute(getProjects, "GET", "/x", { cookie, params })).status).toBe(404);
  });

  it("stops a disabled user's existing session at once", async () => {
    const t = await makeTenant("Disabled");
    const cookie = await sessionCookie(t.members.DEVELOPER.user.id);
    expect((await callRoute(me, "GET", "/api/v1/me", { cookie })).status).toBe(200);
    await db.user.update({ where: { id: t.members.DEVELOPER.user.id }, data: { disabledAt: new Date() } });
    const res = await callRoute(me, "GET", "/api/v1/me", { cookie });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ error: { code: "account_disabled" } });
  });
});
