import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { setScimGroupRole } from "@/lib/scim/groups";
import { authorizeOrg } from "@/lib/security/authorize";
import type { OrgContext } from "@/lib/security/context";
import { makeMember, makeOrg, userContext } from "../../support/fixtures";
import { ERROR_SCHEMA, GROUP_SCHEMA, LIST_SCHEMA, makeScimToken, oktaUser, patchOp, scim, unique } from "./support";

/** An org with a SCIM token and three provisioned users. */
async function orgWithUsers(label: string) {
  const org = await makeOrg(label);
  const { secret } = await makeScimToken(org.id);
  const ids: string[] = [];
  for (const name of ["ann", "bob", "cy"]) {
    const res = await scim(secret, "POST", "/Users", oktaUser(`${name}-${unique()}@example.test`));
    expect(res.status).toBe(201);
    ids.push(res.json.id);
  }
  return { org, token: secret, ids };
}

/** An ADMIN of the org as the console's pipeline hands them to a service: authorised for scim.manage. */
async function adminCtx(orgId: string): Promise<OrgContext> {
  const { user } = await makeMember(orgId, "ADMIN");
  return authorizeOrg(userContext(user), orgId, "scim.manage");
}

const roleOf = async (membershipId: string) => (await db.membership.findUniqueOrThrow({ where: { id: membershipId }, select: { role: true } })).role;
const membersOf = (json: { members?: { value: string }[] }) => (json.members ?? []).map((m) => m.value).sort();

describe("SCIM Groups", () => {
  it("creates, gets, lists and filters groups; a duplicate displayName is 409 uniqueness", async () => {
    const { token, ids } = await orgWithUsers("Groups");
    const created = await scim(token, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Engineering", externalId: "okta-g1", members: [{ value: ids[0] }] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ schemas: [GROUP_SCHEMA], displayName: "Engineering", externalId: "okta-g1", members: [{ value: ids[0], type: "User" }] });
    const got = await scim(token, "GET", `/Groups/${created.json.id}`);
    expect(got.json).toMatchObject({ id: created.json.id, displayName: "Engineering" });
    const dup = await scim(token, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "engineering" });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "409", scimType: "uniqueness" });
    await scim(token, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Sales" });
    const filtered = await scim(token, "GET", `/Groups?filter=${encodeURIComponent('displayName eq "ENGINEERING"')}`);
    expect(filtered.json).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1 });
    expect(filtered.json.Resources[0].id).toBe(created.json.id);
    const byMember = await scim(token, "GET", `/Groups?filter=${encodeURIComponent(`members.value eq "${ids[0]}"`)}`);
    expect(byMember.json.totalResults).toBe(1);
    // Okta lists groups without their members.
    const lean = await scim(token, "GET", "/Groups?excludedAttributes=members");
    expect(lean.json.totalResults).toBe(2);
    expect(lean.json.Resources.every((g: { members?: unknown }) => g.members === undefined)).toBe(true);
    const unknownMember = await scim(token, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Ghosts", members: [{ value: crypto.randomUUID() }] });
    expect(unknownMember.status).toBe(400);
    expect(unknownMember.json.scimType).toBe("invalidValue");
  });

  it("adds and removes members in Okta's and Entra's PATCH shapes, renames, replaces with PUT and deletes", async () => {
    const { token, ids } = await orgWithUsers("Members");
    const [a, b, c] = ids as [string, string, string];
    const group = await scim(token, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Ops" });
    const path = `/Groups/${group.json.id}`;
    const oktaAdd = await scim(token, "PATCH", path, patchOp({ op: "add", path: "members", value: [{ value: a, display: "ann" }, { value: b, display: "bob" }] }));
    expect(oktaAdd.status).toBe(200);
    expect(membersOf(oktaAdd.json)).toEqual([a, b].sort());
    const oktaRemove = await scim(token, "PATCH", path, patchOp({ op: "remove", path: `members[value eq "${a}"]` }));
    expect(membersOf(oktaRemove.json)).toEqual([b]);
    const entraAdd = await scim(token, "PATCH", path, patchOp({ op: "Add", path: "members", value: [{ value: c }] }));
    expect(membersOf(entraAdd.json)).toEqual([b, c].sort());
    const entraRemove = await scim(token, "PATCH", path, patchOp({ op: "Remove", path: "members", value: [{ value: b }] }));
    expect(membersOf(entraRemove.json)).toEqual([c]);
    const oktaRename = await scim(token, "PATCH", path, patchOp({ op: "replace", value: { id: group.json.id, displayName: "Operations" } }));
    expect(oktaRename.json).toMatchObject({ displayName: "Operations" });
    expect(membersOf(oktaRename.json)).toEqual([c]);
    const lastOut = await scim(token, "PATCH", path, patchOp({ op: "remove", path: `members[value eq "${c}"]` }));
    expect(membersOf(lastOut.json)).toEqual([]);
    expect(await db.scimGroupMember.count({ where: { groupId: group.json.id } })).toBe(0);
    const put = await scim(token, "PUT", path, { schemas: [GROUP_SCHEMA], displayName: "Operations", members: [{ value: a }, { value: c }] });
    expect(membersOf(put.json)).toEqual([a, c].sort());
    const deleted = await scim(token, "DELETE", path);
    expect(deleted.status).toBe(204);
    expect((await scim(token, "GET", path)).status).toBe(404);
    const actions = (await db.auditLog.findMany({ where: { targetId: group.json.id }, orderBy: { seq: "asc" } })).map((e) => [e.action, e.actorType]);
    expect(actions[0]).toEqual(["scim.group.created", "SCIM"]);
    expect(actions.at(-1)).toEqual(["scim.group.deleted", "SCIM"]);
  });

  it("maps groups to roles: the highest mapped role wins, leaving every mapped group falls back to the default, OWNER untouched", async () => {
    const { org, token, ids } = await orgWithUsers("Roles");
    const [a, b] = ids as [string, string, string];
    const admin = await adminCtx(org.id);
    const devs = await scim(token, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Developers", members: [{ value: a }, { value: b }] });
    const admins = await scim(token, "POST", "/Groups", { schemas: [GROUP_SCHEMA], displayName: "Admins", members: [{ value: a }] });
    // Unmapped groups change nobody's role.
    expect([await roleOf(a), await roleOf(b)]).toEqual(["VIEWER", "VIEWER"]);
    await setScimGroupRole(admin, devs.json.id, "DEVELOPER");
    expect([await roleOf(a), await roleOf(b)]).toEqual(["DEVELOPER", "DEVELOPER"]);
    await setScimGroupRole(admin, admins.json.id, "ADMIN");
    expect([await roleOf(a), await roleOf(b)]).toEqual(["ADMIN", "DEVELOPER"]);
    // Out of the Admins group (through SCIM): the highest remaining mapping.
    await scim(token, "PATCH", `/Groups/${admins.json.id}`, patchOp({ op: "remove", path: `members[value eq "${a}"]` }));
    expect(await roleOf(a)).toBe("DEVELOPER");
    // Into it again, then the group is deleted.
    await scim(token, "PATCH", `/Groups/${admins.json.id}`, patchOp({ op: "add", path: "members", value: [{ value: a }] }));
    expect(await roleOf(a)).toBe("ADMIN");
    await scim(token, "DELETE", `/Groups/${admins.json.id}`);
    expect(await roleOf(a)).toBe("DEVELOPER");
    // Out of every mapped group: the org's default SCIM role.
    await db.orgSettings.update({ where: { orgId: org.id }, data: { scimDefaultRole: "VIEWER" } });
    await scim(token, "PATCH", `/Groups/${devs.json.id}`, patchOp({ op: "Remove", path: "members", value: [{ value: b }] }));
    expect(await roleOf(b)).toBe("VIEWER");
    // An OWNER in a mapped group keeps OWNER.
    const owner = await makeMember(org.id, "OWNER");
    await scim(token, "PATCH", `/Groups/${devs.json.id}`, patchOp({ op: "add", path: "members", value: [{ value: owner.membership.id }] }));
    expect(await roleOf(owner.membership.id)).toBe("OWNER");
    const changes = await db.auditLog.findMany({ where: { orgId: org.id, action: "member.role_changed" }, orderBy: { seq: "asc" } });
    expect(changes.length).toBeGreaterThanOrEqual(6);
    expect(changes.every((e) => (e.metadata as { source?: string }).source === "scim")).toBe(true);
  });

  it("provisions new members with the org's default SCIM role", async () => {
    const org = await makeOrg("Default");
    await db.orgSettings.update({ where: { orgId: org.id }, data: { scimDefaultRole: "DEVELOPER" } });
    const { secret } = await makeScimToken(org.id);
    const res = await scim(secret, "POST", "/Users", oktaUser(`dev-${unique()}@example.test`));
    expect(await roleOf(res.json.id)).toBe("DEVELOPER");
  });
});
