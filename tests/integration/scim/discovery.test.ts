import { describe, expect, it } from "vitest";
import { makeOrg } from "../../support/fixtures";
import { ERROR_SCHEMA, LIST_SCHEMA, makeScimToken, scim, SCIM_MEDIA_TYPE } from "./support";

describe("SCIM discovery", async () => {
  const org = await makeOrg("Discovery");
  const { secret } = await makeScimToken(org.id);

  it("describes the service: PATCH and filters yes, bulk, sort, etag and password change no, bearer tokens", async () => {
    const res = await scim(secret, "GET", "/ServiceProviderConfig");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain(SCIM_MEDIA_TYPE);
    expect(res.json).toMatchObject({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
      bulk: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: "oauthbearertoken", name: "Bearer token" })],
    });
  });

  it("lists the resource types User (with the optional enterprise extension) and Group", async () => {
    const res = await scim(secret, "GET", "/ResourceTypes");
    expect(res.json.schemas).toEqual([LIST_SCHEMA]);
    const byId = Object.fromEntries(res.json.Resources.map((r: { id: string }) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(["Group", "User"]);
    expect(byId.User).toMatchObject({ endpoint: "/Users", schema: "urn:ietf:params:scim:schemas:core:2.0:User" });
    expect(byId.User.schemaExtensions).toEqual([{ schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", required: false }]);
    expect(byId.Group).toMatchObject({ endpoint: "/Groups", schema: "urn:ietf:params:scim:schemas:core:2.0:Group" });
    expect((await scim(secret, "GET", "/ResourceTypes/Group")).json).toMatchObject({ id: "Group", endpoint: "/Groups" });
    expect((await scim(secret, "GET", "/ResourceTypes/Nope")).status).toBe(404);
  });

  it("serves the schemas, one by one too", async () => {
    const res = await scim(secret, "GET", "/Schemas");
    const ids = res.json.Resources.map((s: { id: string }) => s.id).sort();
    expect(ids).toEqual([
      "urn:ietf:params:scim:schemas:core:2.0:Group",
      "urn:ietf:params:scim:schemas:core:2.0:User",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    ]);
    const user = await scim(secret, "GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
    expect(user.json.attributes.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(["userName", "name", "emails", "active"]));
  });

  it("answers unknown endpoints, unsupported ones and wrong methods with SCIM errors", async () => {
    const unknown = await scim(secret, "GET", "/Nope");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "404" });
    const bulk = await scim(secret, "POST", "/Bulk", { schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], Operations: [] });
    expect(bulk.status).toBe(501);
    expect(bulk.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "501" });
    const wrong = await scim(secret, "DELETE", "/ServiceProviderConfig");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    const put = await scim(secret, "PUT", "/Users", {});
    expect(put.status).toBe(405);
    const badFilter = await scim(secret, "GET", `/Users?filter=${encodeURIComponent("userName xx 1")}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.json).toMatchObject({ status: "400", scimType: "invalidFilter" });
    const unsupported = await scim(secret, "GET", `/Users?filter=${encodeURIComponent('title eq "x"')}`);
    expect(unsupported.json).toMatchObject({ status: "400", scimType: "invalidFilter" });
  });

  it("filters in SQL: and, or, not, co, sw, pr, externalId exact, active", async () => {
    const filterOrg = await makeOrg("Filters");
    const token = (await makeScimToken(filterOrg.id)).secret;
    const { oktaUser, unique } = await import("./support");
    const tag = unique();
    const users = {
      ann: (await scim(token, "POST", "/Users", oktaUser(`ann-${tag}@alpha.example`, { externalId: "EXT-ann" }))).json,
      bob: (await scim(token, "POST", "/Users", oktaUser(`bob-${tag}@beta.example`, { externalId: "ext-bob" }))).json,
      cy: (await scim(token, "POST", "/Users", oktaUser(`cy-${tag}@alpha.example`, { externalId: undefined, active: false }))).json,
    };
    const ids = async (expression: string) => {
      const res = await scim(token, "GET", `/Users?filter=${encodeURIComponent(expression)}`);
      expect(res.status, `${expression}: ${res.text}`).toBe(200);
      return res.json.Resources.map((u: { id: string }) => u.id).sort();
    };
    const sorted = (...list: { id: string }[]) => list.map((u) => u.id).sort();
    expect(await ids(`userName eq "ANN-${tag}@ALPHA.EXAMPLE" and externalId eq "EXT-ann"`)).toEqual(sorted(users.ann));
    expect(await ids(`externalId eq "ext-ann"`)).toEqual([]);
    expect(await ids(`emails.value ew "@alpha.example"`)).toEqual(sorted(users.ann, users.cy));
    expect(await ids(`emails[value sw "BOB-"]`)).toEqual(sorted(users.bob));
    expect(await ids(`userName co "-${tag}@" and not (emails.value ew "@beta.example")`)).toEqual(sorted(users.ann, users.cy));
    expect(await ids(`userName eq "ann-${tag}@alpha.example" or userName eq "bob-${tag}@beta.example"`)).toEqual(sorted(users.ann, users.bob));
    expect(await ids(`externalId pr`)).toEqual(sorted(users.ann, users.bob));
    expect(await ids(`active eq false`)).toEqual(sorted(users.cy));
    expect(await ids(`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "cy-${tag}@alpha.example"`)).toEqual(sorted(users.cy));
    expect(await ids(`id eq "not-a-uuid"`)).toEqual([]);
  });
});
