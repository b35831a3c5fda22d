import { describe, expect, it } from "vitest";
import { GET as getOrgRoute } from "@/app/api/v1/orgs/[orgId]/route";
import { GET as listMembersRoute } from "@/app/api/v1/orgs/[orgId]/members/route";
import { GET as listOrgsRoute } from "@/app/api/v1/orgs/route";
import { verifyApiKey } from "@/lib/api-keys/verify";
import { verifyAuditChain } from "@/lib/audit/verify";
import { db } from "@/lib/db/client";
import { makeApiKey, makeMember, makeOrg, makeProject, sessionCookie } from "../../support/fixtures";
import { callRoute } from "../../support/http";
import { ERROR_SCHEMA, makeScimToken, oktaUser, patchOp, scim, unique } from "./support";

/**
 * Deprovisioning that really deprovisions: the member's next request to the
 * org is refused, and the keys they created follow the org's policy at once.
 */
async function memberWithKeys(policy: "REVOKE" | "FLAG") {
  const org = await makeOrg(`Deprov ${policy}`);
  await db.orgSettings.update({ where: { orgId: org.id }, data: { deprovisionKeyPolicy: policy } });
  const token = await makeScimToken(org.id);
  const email = `leaver-${unique()}@example.test`;
  const created = await scim(token.secret, "POST", "/Users", oktaUser(email));
  expect(created.status).toBe(201);
  const membership = await db.membership.findUniqueOrThrow({ where: { id: created.json.id }, select: { userId: true } });
  const project = await makeProject(org.id);
  const keys = [await makeApiKey(org.id, project.id), await makeApiKey(org.id, project.id)];
  await db.apiKey.updateMany({ where: { id: { in: keys.map((k) => k.id) } }, data: { createdById: membership.userId } });
  // A colleague's key, and the leaver's key in another org: neither is touched.
  const colleague = await makeMember(org.id, "DEVELOPER");
  const other = await makeApiKey(org.id, project.id);
  await db.apiKey.update({ where: { id: other.id }, data: { createdById: colleague.user.id } });
  const elsewhere = await makeOrg("Elsewhere");
  await db.membership.create({ data: { orgId: elsewhere.id, userId: membership.userId, role: "DEVELOPER" } });
  const elsewhereKey = await makeApiKey(elsewhere.id, (await makeProject(elsewhere.id)).id);
  await db.apiKey.update({ where: { id: elsewhereKey.id }, data: { createdById: membership.userId } });
  return { org, elsewhere, token, id: created.json.id as string, userId: membership.userId, keys, other, elsewhereKey };
}

const verify = (secret: string) => verifyApiKey({ token: secret, ip: "203.0.113.7", origin: null, scope: "chat" });
const orgAs = async (userId: string, orgId: string) => callRoute(getOrgRoute, "GET", `/api/v1/orgs/${orgId}`, { cookie: await sessionCookie(userId), params: { orgId } });

describe("deprovisioning", () => {
  it("active:false refuses the member's next request and revokes their keys here at once (REVOKE)", async () => {
    const m = await memberWithKeys("REVOKE");
    expect((await orgAs(m.userId, m.org.id)).status).toBe(200);
    // Cached by this instance before the change: the eviction is what makes it immediate.
    for (const key of m.keys) await expect(verify(key.secret)).resolves.toMatchObject({ keyId: key.id });

    const res = await scim(m.token.secret, "PATCH", `/Users/${m.id}`, patchOp({ op: "replace", value: { active: false } }));
    expect(res.status).toBe(200);

    const refused = await orgAs(m.userId, m.org.id);
    expect(refused.status).toBe(404);
    const orgs = await callRoute(listOrgsRoute, "GET", "/api/v1/orgs", { cookie: await sessionCookie(m.userId) });
    expect((orgs.json as { data: { id: string }[] }).data.map((o) => o.id)).toEqual([m.elsewhere.id]);
    for (const key of m.keys) await expect(verify(key.secret)).rejects.toMatchObject({ code: "api_key_revoked" });
    await expect(verify(m.other.secret)).resolves.toMatchObject({ keyId: m.other.id });
    await expect(verify(m.elsewhereKey.secret)).resolves.toMatchObject({ keyId: m.elsewhereKey.id });
    expect((await orgAs(m.userId, m.elsewhere.id)).status).toBe(200);

    const membership = await db.membership.findUniqueOrThrow({ where: { id: m.id } });
    expect(membership).toMatchObject({ status: "SUSPENDED", scimActive: false });
    // Admins see the suspension in the member list (API and console).
    const admin = await makeMember(m.org.id, "ADMIN");
    const members = await callRoute(listMembersRoute, "GET", `/api/v1/orgs/${m.org.id}/members`, { cookie: await sessionCookie(admin.user.id), params: { orgId: m.org.id } });
    expect((members.json as { data: { id: string; status: string }[] }).data.find((row) => row.id === m.id)).toMatchObject({ status: "SUSPENDED" });
    expect(membership.suspendedAt).toBeInstanceOf(Date);
    const events = await db.auditLog.findMany({ where: { orgId: m.org.id }, orderBy: { seq: "asc" } });
    const deprovisioned = events.find((e) => e.action === "scim.user.deprovisioned")!;
    expect(deprovisioned).toMatchObject({ actorType: "SCIM", actorId: m.token.id, actorLabel: m.token.prefix, targetId: m.userId });
    expect(deprovisioned.metadata).toMatchObject({ reason: "active_false", keyPolicy: "REVOKE" });
    expect((deprovisioned.metadata as { keys: unknown[] }).keys).toHaveLength(2);
    expect(events.filter((e) => e.action === "api_key.revoked").map((e) => e.targetId).sort()).toEqual(m.keys.map((k) => k.id).sort());
    expect(await verifyAuditChain(m.org.id)).toMatchObject({ ok: true });

    // Reactivation restores access; revoked keys stay revoked.
    await scim(m.token.secret, "PATCH", `/Users/${m.id}`, patchOp({ op: "replace", value: { active: true } }));
    expect((await orgAs(m.userId, m.org.id)).status).toBe(200);
    for (const key of m.keys) await expect(verify(key.secret)).rejects.toMatchObject({ code: "api_key_revoked" });
    expect(await db.auditLog.count({ where: { orgId: m.org.id, action: "scim.user.reactivated" } })).toBe(1);
  });

  it("flags the member's keys and leaves them working (FLAG)", async () => {
    const m = await memberWithKeys("FLAG");
    const res = await scim(m.token.secret, "PATCH", `/Users/${m.id}`, patchOp({ op: "Replace", path: "active", value: "False" }));
    expect(res.status).toBe(200);
    expect((await orgAs(m.userId, m.org.id)).status).toBe(404);
    for (const key of m.keys) await expect(verify(key.secret)).resolves.toMatchObject({ keyId: key.id });
    const rows = await db.apiKey.findMany({ where: { id: { in: [...m.keys.map((k) => k.id), m.other.id, m.elsewhereKey.id] } }, select: { id: true, flaggedAt: true, revokedAt: true } });
    const flagged = rows.filter((r) => r.flaggedAt !== null).map((r) => r.id).sort();
    expect(flagged).toEqual(m.keys.map((k) => k.id).sort());
    expect(rows.every((r) => r.revokedAt === null)).toBe(true);
    // Reactivated: the creator is back, so is the key's standing.
    await scim(m.token.secret, "PATCH", `/Users/${m.id}`, patchOp({ op: "Replace", path: "active", value: "True" }));
    expect(await db.apiKey.count({ where: { id: { in: m.keys.map((k) => k.id) }, flaggedAt: { not: null } } })).toBe(0);
  });

  it("DELETE suspends rather than deletes: the next request is refused, GET answers 404, the history stays", async () => {
    const m = await memberWithKeys("REVOKE");
    const res = await scim(m.token.secret, "DELETE", `/Users/${m.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect((await orgAs(m.userId, m.org.id)).status).toBe(404);
    for (const key of m.keys) await expect(verify(key.secret)).rejects.toMatchObject({ code: "api_key_revoked" });
    const gone = await scim(m.token.secret, "GET", `/Users/${m.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "404" });
    const list = await scim(m.token.secret, "GET", "/Users");
    expect(list.json.Resources.map((u: { id: string }) => u.id)).not.toContain(m.id);
    expect(await db.membership.findUnique({ where: { id: m.id }, select: { status: true, scimActive: true } })).toEqual({ status: "SUSPENDED", scimActive: null });
    expect((await scim(m.token.secret, "DELETE", `/Users/${m.id}`)).status).toBe(404);
    expect(await db.auditLog.count({ where: { orgId: m.org.id, targetId: m.userId } })).toBeGreaterThanOrEqual(2);

    // Provisioned again: the same membership comes back, with the default role and no groups.
    const user = await db.user.findUniqueOrThrow({ where: { id: m.userId }, select: { email: true } });
    const again = await scim(m.token.secret, "POST", "/Users", oktaUser(user.email));
    expect(again.status).toBe(201);
    expect(again.json).toMatchObject({ id: m.id, active: true });
    expect((await orgAs(m.userId, m.org.id)).status).toBe(200);
  });

  it("never deprovisions an OWNER", async () => {
    const org = await makeOrg("Owners");
    const { secret } = await makeScimToken(org.id);
    const owner = await makeMember(org.id, "OWNER");
    const patch = await scim(secret, "PATCH", `/Users/${owner.membership.id}`, patchOp({ op: "replace", value: { active: false } }));
    expect(patch.status).toBe(403);
    expect(patch.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "403" });
    expect((await scim(secret, "DELETE", `/Users/${owner.membership.id}`)).status).toBe(403);
    expect((await db.membership.findUniqueOrThrow({ where: { id: owner.membership.id } })).status).toBe("ACTIVE");
    // Other attributes of an OWNER may still be synced.
    const linked = await scim(secret, "PATCH", `/Users/${owner.membership.id}`, patchOp({ op: "add", path: "externalId", value: "00u-owner" }));
    expect(linked.json).toMatchObject({ externalId: "00u-owner", active: true });
  });

  it("admits only the org's verified domains when it has any", async () => {
    const org = await makeOrg("Domains");
    const domain = `d${unique()}.example`;
    await db.orgDomain.create({ data: { orgId: org.id, domain, token: unique(), verifiedAt: new Date(), verifiedDomain: domain } });
    // A claimed but unverified domain admits nobody.
    await db.orgDomain.create({ data: { orgId: org.id, domain: `u${unique()}.example`, token: unique() } });
    const { secret } = await makeScimToken(org.id);
    const outside = await scim(secret, "POST", "/Users", oktaUser(`mallory-${unique()}@example.test`));
    expect(outside.status).toBe(400);
    expect(outside.json).toMatchObject({ status: "400", scimType: "invalidValue" });
    const inside = await scim(secret, "POST", "/Users", oktaUser(`alice@${domain.toUpperCase()}`));
    expect(inside.status).toBe(201);
    expect(inside.json.userName).toBe(`alice@${domain}`);
    const event = await db.auditLog.findFirstOrThrow({ where: { orgId: org.id, action: "scim.user.provisioned" } });
    expect(event.metadata).toMatchObject({ domainCheck: "verified", userCreated: true });
    // Without verified domains anyone may be provisioned, and the event says so.
    const open = await makeOrg("Open");
    const openToken = await makeScimToken(open.id);
    await scim(openToken.secret, "POST", "/Users", oktaUser(`anyone-${unique()}@example.test`));
    const noted = await db.auditLog.findFirstOrThrow({ where: { orgId: open.id, action: "scim.user.provisioned" } });
    expect(noted.metadata).toMatchObject({ domainCheck: "no_verified_domains" });
  });

  it("links an existing user by email and leaves their name alone when the org does not own the identity", async () => {
    const org = await makeOrg("Link");
    const { secret } = await makeScimToken(org.id);
    const existing = await makeMember((await makeOrg("Home")).id, "OWNER", "linked");
    const res = await scim(secret, "POST", "/Users", oktaUser(existing.user.email.toUpperCase(), { name: { givenName: "Renamed", familyName: "ByIdp" } }));
    expect(res.status).toBe(201);
    const user = await db.user.findUniqueOrThrow({ where: { id: existing.user.id } });
    expect(user.name).toBe("linked");
    expect(await db.user.count({ where: { email: existing.user.email } })).toBe(1);
    const event = await db.auditLog.findFirstOrThrow({ where: { orgId: org.id, action: "scim.user.provisioned" } });
    expect(event.metadata).toMatchObject({ userCreated: false });
  });
});
