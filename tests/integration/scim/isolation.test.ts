import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeOrg } from "../../support/fixtures";
import { GROUP_SCHEMA, makeScimToken, oktaUser, patchOp, scim, unique } from "./support";

/** A token for org A sees and changes nothing of org B: its users and groups answer 404, its lists stay A's. */
async function orgWith(label: string) {
  const org = await makeOrg(label);
  const token = await makeScimToken(org.id);
  const email = `${label.toLowerCase()}-${unique()}@example.test`;
  const user = await scim(token.secret, "POST", "/Users", oktaUser(email));
  const group = await scim(token.secret, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: `${label} team`, members: [{ value: user.json.id }] });
  return { org, token, email, userId: user.json.id as string, groupId: group.json.id as string };
}

async function stateOf(orgId: string) {
  const [members, groups, users] = await Promise.all([
    db.membership.findMany({ where: { orgId }, select: { id: true, role: true, status: true, scimActive: true, scimExternalId: true }, orderBy: { id: "asc" } }),
    db.scimGroup.findMany({ where: { orgId }, select: { id: true, displayName: true, externalId: true, members: { select: { membershipId: true } } }, orderBy: { id: "asc" } }),
    db.user.findMany({ where: { memberships: { some: { orgId } } }, select: { id: true, email: true, name: true }, orderBy: { id: "asc" } }),
  ]);
  return { members, groups, users };
}

describe("SCIM tenant isolation", () => {
  it("a token for org A neither sees nor changes anything of org B", async () => {
    const a = await orgWith("Alpha");
    const b = await orgWith("Bravo");
    const before = await stateOf(b.org.id);
    const as = (method: string, path: string, body?: unknown) => scim(a.token.secret, method, path, body);

    for (const path of [`/Users/${b.userId}`, `/Groups/${b.groupId}`]) expect((await as("GET", path)).status).toBe(404);
    expect((await as("PUT", `/Users/${b.userId}`, oktaUser(b.email))).status).toBe(404);
    expect((await as("PATCH", `/Users/${b.userId}`, patchOp({ op: "replace", value: { active: false } }))).status).toBe(404);
    expect((await as("DELETE", `/Users/${b.userId}`)).status).toBe(404);
    expect((await as("PUT", `/Groups/${b.groupId}`, { schemas: [GROUP_SCHEMA], displayName: "Taken over" })).status).toBe(404);
    expect((await as("PATCH", `/Groups/${b.groupId}`, patchOp({ op: "add", path: "members", value: [{ value: a.userId }] }))).status).toBe(404);
    expect((await as("DELETE", `/Groups/${b.groupId}`)).status).toBe(404);
    // B's user cannot be pulled into A's group by id.
    const pull = await as("PATCH", `/Groups/${a.groupId}`, patchOp({ op: "add", path: "members", value: [{ value: b.userId }] }));
    expect(pull.status).toBe(400);

    const users = await as("GET", `/Users?filter=${encodeURIComponent(`userName eq "${b.email}"`)}`);
    expect(users.json.totalResults).toBe(0);
    const byId = await as("GET", `/Users?filter=${encodeURIComponent(`id eq "${b.userId}"`)}`);
    expect(byId.json.totalResults).toBe(0);
    const all = await as("GET", "/Users?count=200");
    expect(all.json.Resources.map((u: { id: string }) => u.id)).toEqual([a.userId]);
    const groups = await as("GET", "/Groups");
    expect(groups.json.Resources.map((g: { id: string }) => g.id)).toEqual([a.groupId]);
    const byMember = await as("GET", `/Groups?filter=${encodeURIComponent(`members.value eq "${b.userId}"`)}`);
    expect(byMember.json.totalResults).toBe(0);

    // Provisioning B's user through A creates A's own membership, and touches nothing of B.
    const linked = await as("POST", "/Users", oktaUser(b.email));
    expect(linked.status).toBe(201);
    expect(linked.json.id).not.toBe(b.userId);

    expect(await stateOf(b.org.id)).toEqual(before);
    const leaked = [users, byId, all, groups, byMember].map((r) => r.text).join("\n");
    expect(leaked).not.toContain(b.userId);
    expect(leaked).not.toContain(b.groupId);
  });

  it("a revoked token, a token of a deleted org and a malformed token answer 401", async () => {
    const org = await makeOrg("Revoked");
    const revoked = await makeScimToken(org.id, { revokedAt: new Date() });
    expect((await scim(revoked.secret, "GET", "/Users")).status).toBe(401);
    const live = await makeScimToken(org.id);
    expect((await scim(live.secret, "GET", "/Users")).status).toBe(200);
    await db.org.update({ where: { id: org.id }, data: { deletedAt: new Date() } });
    const res = await scim(live.secret, "POST", "/Users", oktaUser(`late-${unique()}@example.test`));
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
    expect(await db.membership.count({ where: { orgId: org.id } })).toBe(0);
    for (const header of ["Bearer", "Basic dXNlcjpwYXNz", `Bearer ${live.secret} extra`]) {
      const { callRoute } = await import("../../support/http");
      const { GET } = await import("@/app/scim/v2/[...path]/route");
      const r = await callRoute(GET, "GET", "/scim/v2/Users", { headers: { authorization: header }, origin: null });
      expect(r.status).toBe(401);
    }
  });
});
