import { describe, expect, it } from "vitest";
import { DELETE as deleteOrg, GET as getOrg } from "@/app/api/v1/orgs/[orgId]/route";
import { GET as listOrgs, POST as createOrg } from "@/app/api/v1/orgs/route";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { enrolMfa, makeUser, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";

// The operator's sign-up domain policy, read when configuration is first loaded.
process.env.ALLOWED_SIGNUP_DOMAINS = "Acme.com, example.test";

describe("organisations", () => {
  it("bootstraps: the creator becomes OWNER, settings exist, and it is audited", async () => {
    const user = await makeUser("founder");
    const cookie = await sessionCookie(user.id);
    const res = await callRoute(createOrg, "POST", "/api/v1/orgs", { cookie, body: { name: "Founders Inc" } });
    expect(res.status).toBe(201);
    const org = res.json as { id: string; slug: string };
    expect(await db.membership.findFirst({ where: { orgId: org.id, userId: user.id } })).toMatchObject({ role: "OWNER" });
    expect(await db.orgSettings.findUnique({ where: { orgId: org.id } })).toMatchObject({ retentionDays: 30, storePrompts: false, storeResponses: false });
    const list = await callRoute(listOrgs, "GET", "/api/v1/orgs", { cookie });
    expect(list.json).toMatchObject({ data: [{ id: org.id, role: "OWNER" }] });
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: true, events: 1 });
  });

  it("never gives an org a slug that shadows a console route", async () => {
    const cookie = await sessionCookie((await makeUser("slugger")).id);
    for (const name of ["Invite", "API", "Sign In", "orgs", "MFA", "Account", "SSO required"]) {
      const res = await callRoute(createOrg, "POST", "/api/v1/orgs", { cookie, body: { name } });
      expect(res.status).toBe(201);
      expect(["invite", "api", "sign-in", "orgs", "mfa", "account", "sso-required"]).not.toContain((res.json as { slug: string }).slug);
    }
  });

  it("refuses org creation outside ALLOWED_SIGNUP_DOMAINS, by exact domain", async () => {
    const outsider = await db.user.create({ data: { email: `eve-${Date.now()}@evil-acme.com` } });
    const res = await callRoute(createOrg, "POST", "/api/v1/orgs", { cookie: await sessionCookie(outsider.id), body: { name: "Nope" } });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: "signup_domain_not_allowed" } });
    const insider = await db.user.create({ data: { email: `bob-${Date.now()}@ACME.com` } });
    expect((await callRoute(createOrg, "POST", "/api/v1/orgs", { cookie: await sessionCookie(insider.id), body: { name: "Yes" } })).status).toBe(201);
  });

  it("answers 422 with field issues for a bad name, and creates nothing", async () => {
    const user = await makeUser("bad-input");
    const cookie = await sessionCookie(user.id);
    for (const body of [{ name: "" }, { name: "x".repeat(200) }, {}, { name: 7 }]) {
      const res = await callRoute(createOrg, "POST", "/api/v1/orgs", { cookie, body });
      expect(res.status).toBe(422);
    }
    expect(await db.membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it("deletes an org for everyone at once, keeping its audit chain", async () => {
    const user = await makeUser("deleter");
    // The org will require MFA of its owner (the default): this owner has it, and the session passed it.
    await enrolMfa(user.id);
    const cookie = await sessionCookie(user.id);
    const org = (await callRoute(createOrg, "POST", "/api/v1/orgs", { cookie, body: { name: "Short Lived" } })).json as { id: string };
    expect((await callRoute(deleteOrg, "DELETE", "/x", { cookie, params: { orgId: org.id } })).status).toBe(204);
    expect((await callRoute(getOrg, "GET", "/x", { cookie, params: { orgId: org.id } })).status).toBe(404);
    expect(await verifyAuditChain(org.id)).toMatchObject({ ok: true, events: 2 });
  });
});
