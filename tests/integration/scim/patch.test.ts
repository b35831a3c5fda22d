import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeOrg } from "../../support/fixtures";
import { ERROR_SCHEMA, makeScimToken, oktaUser, patchOp, scim, unique, USER_SCHEMA } from "./support";

/** PATCH /Users/{id} as Okta and as Entra ID send it, and PUT as Okta sends it. */
async function provisioned(label: string) {
  const org = await makeOrg(label);
  const { secret } = await makeScimToken(org.id);
  const email = `${label.toLowerCase()}-${unique()}@example.test`;
  const created = await scim(secret, "POST", "/Users", oktaUser(email, { name: { givenName: "Ada", familyName: "Lovelace" }, externalId: "ext-1" }));
  expect(created.status).toBe(201);
  return { org, token: secret, email, id: created.json.id as string };
}

const membershipOf = (id: string) => db.membership.findUniqueOrThrow({ where: { id }, select: { status: true, scimActive: true, scimExternalId: true, suspendedAt: true } });

describe("PATCH in Okta's shape", () => {
  it("replaces active with a path-less value object: false deprovisions, true reactivates", async () => {
    const { token, id } = await provisioned("OktaActive");
    const off = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "replace", value: { active: false } }));
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({ schemas: [USER_SCHEMA], id, active: false });
    expect(await membershipOf(id)).toMatchObject({ status: "SUSPENDED", scimActive: false });
    const on = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "replace", value: { active: true } }));
    expect(on.json).toMatchObject({ id, active: true });
    expect(await membershipOf(id)).toMatchObject({ status: "ACTIVE", scimActive: true, suspendedAt: null });
  });

  it("adds, replaces and removes attributes by path", async () => {
    const { token, id } = await provisioned("OktaOps");
    const added = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "add", path: "externalId", value: "00u-new" }));
    expect(added.json.externalId).toBe("00u-new");
    const replaced = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "replace", path: "name.givenName", value: "Augusta" }));
    expect(replaced.json.name).toMatchObject({ givenName: "Augusta", familyName: "Lovelace" });
    const removed = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "remove", path: "externalId" }));
    expect(removed.status).toBe(200);
    expect(removed.json.externalId).toBeUndefined();
    expect((await membershipOf(id)).scimExternalId).toBeNull();
    // Okta's rename of a group-style body: a path-less replace carrying the resource's own id.
    const withId = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "replace", value: { id, displayName: "Augusta Ada King" } }));
    expect(withId.status).toBe(200);
    expect(withId.json.displayName).toBe("Augusta Ada King");
  });

  it("replaces the whole user with PUT, active included", async () => {
    const { token, id, email } = await provisioned("OktaPut");
    const res = await scim(token, "PUT", `/Users/${id}`, oktaUser(email, { name: { givenName: "Grace", familyName: "Hopper" }, externalId: "ext-2", active: false }));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id, userName: email, active: false, externalId: "ext-2", name: { givenName: "Grace", familyName: "Hopper" } });
    expect(await membershipOf(id)).toMatchObject({ status: "SUSPENDED", scimExternalId: "ext-2" });
  });
});

describe("PATCH in Entra ID's shape", () => {
  it("takes capitalised operations and booleans as strings, at a path and in a value object", async () => {
    const { token, id } = await provisioned("EntraBool");
    const off = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "Replace", path: "active", value: "False" }));
    expect(off.status).toBe(200);
    expect(off.json.active).toBe(false);
    expect((await membershipOf(id)).status).toBe("SUSPENDED");
    const on = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "Replace", value: { active: "True" } }));
    expect(on.json.active).toBe(true);
    expect((await membershipOf(id)).status).toBe("ACTIVE");
  });

  it("adds and replaces with dotted keys in a path-less value, and removes", async () => {
    const { token, id } = await provisioned("EntraOps");
    const res = await scim(
      token,
      "PATCH",
      `/Users/${id}`,
      patchOp(
        { op: "Add", value: { "name.givenName": "Katherine", "name.familyName": "Johnson" } },
        { op: "Replace", path: "externalId", value: "entra-object-id" },
        { op: "Add", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", value: "Flight Research" },
        { op: "Replace", path: 'emails[type eq "work"].value', value: "ignored@example.test" },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ externalId: "entra-object-id", name: { givenName: "Katherine", familyName: "Johnson" } });
    // userName is the identity: the emails attribute follows it, whatever is patched into it.
    expect(res.json.emails).toEqual([{ value: res.json.userName, type: "work", primary: true }]);
    const removed = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "Remove", path: "externalId" }));
    expect(removed.json.externalId).toBeUndefined();
  });

  it("accepts a message without schemas, and refuses an unknown operation as a SCIM error", async () => {
    const { token, id } = await provisioned("EntraOdd");
    const bare = await scim(token, "PATCH", `/Users/${id}`, { Operations: [{ op: "Replace", path: "displayName", value: "Dorothy Vaughan" }] });
    expect(bare.status).toBe(200);
    expect(bare.json.displayName).toBe("Dorothy Vaughan");
    const bad = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "Explode", path: "active" }));
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "400", scimType: "invalidSyntax" });
    const wrongType = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "Replace", path: "active", value: "maybe" }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "400" });
    const notJson = await scim(token, "PATCH", `/Users/${id}`, "[");
    expect(notJson.status).toBe(400);
  });
});

describe("identity changes", () => {
  it("refuses to change userName where the org verified no domain", async () => {
    const { token, id } = await provisioned("Rename");
    const res = await scim(token, "PATCH", `/Users/${id}`, patchOp({ op: "Replace", path: "userName", value: `other-${unique()}@example.test` }));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ status: "400", scimType: "mutability" });
  });

  it("changes userName within the org's verified domains, never onto another user's address", async () => {
    const org = await makeOrg("Verified");
    const domain = `v${unique()}.example`;
    await db.orgDomain.create({ data: { orgId: org.id, domain, token: unique(), verifiedAt: new Date(), verifiedDomain: domain } });
    const { secret } = await makeScimToken(org.id);
    const first = await scim(secret, "POST", "/Users", oktaUser(`ann@${domain}`));
    const second = await scim(secret, "POST", "/Users", oktaUser(`bob@${domain}`));
    const renamed = await scim(secret, "PATCH", `/Users/${first.json.id}`, patchOp({ op: "replace", path: "userName", value: `Ann.Smith@${domain.toUpperCase()}` }));
    expect(renamed.status).toBe(200);
    expect(renamed.json.userName).toBe(`ann.smith@${domain}`);
    const clash = await scim(secret, "PATCH", `/Users/${second.json.id}`, patchOp({ op: "replace", path: "userName", value: `ann.smith@${domain}` }));
    expect(clash.status).toBe(409);
    expect(clash.json.scimType).toBe("uniqueness");
    const outside = await scim(secret, "PATCH", `/Users/${second.json.id}`, patchOp({ op: "replace", path: "userName", value: `bob@elsewhere-${unique()}.example` }));
    expect(outside.status).toBe(400);
  });
});
