import { describe, expect, it } from "vitest";
import { POST as accept } from "@/app/api/v1/invitations/accept/route";
import { POST as invite } from "@/app/api/v1/orgs/[orgId]/invitations/route";
import { DELETE as removeMember, PATCH as changeRole } from "@/app/api/v1/orgs/[orgId]/members/[memberId]/route";
import { db } from "@/lib/db/client";
import { verifyAuditChain } from "@/lib/audit/verify";
import { makeMember, makeTenant, makeUser, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";

async function as(userId: string) {
  return sessionCookie(userId);
}

function tokenOf(json: unknown): string {
  const url = (json as { inviteUrl: string }).inviteUrl;
  return decodeURIComponent(url.slice(url.lastIndexOf("/") + 1));
}

describe("members and invitations", () => {
  it("invites, accepts once, stores only the token hash, and audits both", async () => {
    const t = await makeTenant("Invite");
    const invitee = await makeUser("invitee");
    const res = await callRoute(invite, "POST", "/x", {
      cookie: await as(t.members.ADMIN.user.id),
      params: { orgId: t.org.id },
      body: { email: invitee.email.toUpperCase(), role: "DEVELOPER" },
    });
    expect(res.status).toBe(201);
    const token = tokenOf(res.json);
    expect(token).toMatch(/^ghi_/);
    const stored = await db.invitation.findFirstOrThrow({ where: { orgId: t.org.id, email: invitee.email } });
    expect(JSON.stringify(stored)).not.toContain(token);

    const cookie = await as(invitee.id);
    const first = await callRoute(accept, "POST", "/x", { cookie, body: { token } });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ orgId: t.org.id, role: "DEVELOPER" });
    const second = await callRoute(accept, "POST", "/x", { cookie, body: { token } });
    expect(second.status).toBe(410);

    const actions = (await db.auditLog.findMany({ where: { orgId: t.org.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["member.invited", "member.joined"]);
    expect(await verifyAuditChain(t.org.id)).toMatchObject({ ok: true, events: 2 });
  });

  it("lets exactly one of many concurrent accepts win", async () => {
    const t = await makeTenant("Race");
    const invitee = await makeUser("racer");
    const res = await callRoute(invite, "POST", "/x", { cookie: await as(t.members.OWNER.user.id), params: { orgId: t.org.id }, body: { email: invitee.email, role: "VIEWER" } });
    const token = tokenOf(res.json);
    const cookie = await as(invitee.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => callRoute(accept, "POST", "/x", { cookie, body: { token } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.every((r) => r.status === 200 || r.status === 410 || r.status === 409)).toBe(true);
    expect(await db.membership.count({ where: { orgId: t.org.id, userId: invitee.id } })).toBe(1);
  });

  it("refuses an invitation accepted by another email", async () => {
    const t = await makeTenant("Mismatch");
    const res = await callRoute(invite, "POST", "/x", { cookie: await as(t.members.OWNER.user.id), params: { orgId: t.org.id }, body: { email: "someone@example.test", role: "VIEWER" } });
    const stranger = await makeUser("stranger");
    const out = await callRoute(accept, "POST", "/x", { cookie: await as(stranger.id), body: { token: tokenOf(res.json) } });
    expect(out.status).toBe(403);
    expect(out.json).toMatchObject({ error: { code: "invitation_email_mismatch" } });
  });

  it("enforces the org's email-domain allowlist by exact domain, on invite and on accept", async () => {
    const t = await makeTenant("Domains");
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { allowedEmailDomains: ["acme.com"] } });
    const cookie = await as(t.members.OWNER.user.id);
    const params = { orgId: t.org.id };
    for (const email of ["eve@evil-acme.com", "eve@acme.com.evil.io", "eve@sub.acme.com", "eve@acme.co"]) {
      const res = await callRoute(invite, "POST", "/x", { cookie, params, body: { email, role: "VIEWER" } });
      expect(res.status, email).toBe(403);
      expect(res.json).toMatchObject({ error: { code: "email_domain_not_allowed" } });
    }
    const ok = await callRoute(invite, "POST", "/x", { cookie, params, body: { email: "Bob@ACME.com", role: "VIEWER" } });
    expect(ok.status).toBe(201);

    // The allowlist narrows after the invitation was sent: accepting is refused too.
    const bob = await db.user.create({ data: { email: "bob@acme.com" } }).catch(() => db.user.findUniqueOrThrow({ where: { email: "bob@acme.com" } }));
    await db.orgSettings.update({ where: { orgId: t.org.id }, data: { allowedEmailDomains: ["acme.org"] } });
    const out = await callRoute(accept, "POST", "/x", { cookie: await as(bob.id), body: { token: tokenOf(ok.json) } });
    expect(out.status).toBe(403);
  });

  it("never removes or demotes the last owner, and only owners manage owners", async () => {
    const t = await makeTenant("Owners");
    const ownerCookie = await as(t.members.OWNER.user.id);
    const params = { orgId: t.org.id, memberId: t.members.OWNER.membership.id };
    const demote = await callRoute(changeRole, "PATCH", "/x", { cookie: ownerCookie, params, body: { role: "ADMIN" } });
    expect(demote.status).toBe(409);
    expect(demote.json).toMatchObject({ error: { code: "last_owner" } });
    expect((await callRoute(removeMember, "DELETE", "/x", { cookie: ownerCookie, params })).status).toBe(409);

    const adminCookie = await as(t.members.ADMIN.user.id);
    expect((await callRoute(removeMember, "DELETE", "/x", { cookie: adminCookie, params })).status).toBe(403);
    const promote = await callRoute(changeRole, "PATCH", "/x", { cookie: adminCookie, params: { orgId: t.org.id, memberId: t.members.VIEWER.membership.id }, body: { role: "OWNER" } });
    expect(promote.status).toBe(403);

    const second = await makeMember(t.org.id, "OWNER", "second-owner");
    expect((await callRoute(changeRole, "PATCH", "/x", { cookie: ownerCookie, params, body: { role: "ADMIN" } })).status).toBe(200);
    expect(await db.membership.count({ where: { orgId: t.org.id, role: "OWNER" } })).toBe(1);
    expect(second.membership.role).toBe("OWNER");
  });

  it("keeps one owner when two owners demote each other at the same time", async () => {
    const t = await makeTenant("Concurrent");
    const second = await makeMember(t.org.id, "OWNER", "owner-two");
    const [a, b] = await Promise.all([
      callRoute(changeRole, "PATCH", "/x", { cookie: await as(t.members.OWNER.user.id), params: { orgId: t.org.id, memberId: second.membership.id }, body: { role: "ADMIN" } }),
      callRoute(changeRole, "PATCH", "/x", { cookie: await as(second.user.id), params: { orgId: t.org.id, memberId: t.members.OWNER.membership.id }, body: { role: "ADMIN" } }),
    ]);
    expect(await db.membership.count({ where: { orgId: t.org.id, role: "OWNER" } })).toBe(1);
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
  });
});
