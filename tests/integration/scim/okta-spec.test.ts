import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeOrg } from "../../support/fixtures";
import { ERROR_SCHEMA, LIST_SCHEMA, makeScimToken, oktaUser, scim, SCIM_MEDIA_TYPE, unique, USER_SCHEMA } from "./support";

/**
 * The required checks of Okta's "SCIM 2.0 SPEC Test" (the Runscope suite Okta
 * asks integrators to pass), in its order, against one fresh org.
 */
const filter = (expression: string) => `/Users?filter=${encodeURIComponent(expression)}`;

describe("Okta SCIM 2.0 spec test: required checks", async () => {
  const org = await makeOrg("Okta spec");
  const { secret: token } = await makeScimToken(org.id);
  const email = `okta-${unique()}@example.test`;
  let createdId = "";

  it("Test Users endpoint: GET /Users?count=1&startIndex=1 is a ListResponse", async () => {
    // One user so the list has something in it.
    await scim(token, "POST", "/Users", oktaUser(`first-${unique()}@example.test`));
    const res = await scim(token, "GET", "/Users?count=1&startIndex=1");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain(SCIM_MEDIA_TYPE);
    expect(res.json.schemas).toEqual([LIST_SCHEMA]);
    expect(res.json).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
    expect(typeof res.json.totalResults).toBe("number");
    expect(res.json.Resources).toHaveLength(1);
  });

  it("Get Users/{id}: the first listed user, by id", async () => {
    const list = await scim(token, "GET", "/Users?count=1&startIndex=1");
    const first = list.json.Resources[0];
    const res = await scim(token, "GET", `/Users/${first.id}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ schemas: [USER_SCHEMA], id: first.id, userName: first.userName });
  });

  it("Test invalid User by username: a filter matching nobody answers an empty list", async () => {
    const res = await scim(token, "GET", filter(`userName eq "invalid-${unique()}@example.test"`));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 0, Resources: [] });
  });

  it("Make sure random user doesn't exist", async () => {
    const res = await scim(token, "GET", filter(`userName eq "${email}"`));
    expect(res.json.totalResults).toBe(0);
  });

  it("Create Okta user with realistic values: 201 with what was sent", async () => {
    const body = oktaUser(email);
    const res = await scim(token, "POST", "/Users", body);
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toContain(SCIM_MEDIA_TYPE);
    expect(res.json).toMatchObject({
      schemas: [USER_SCHEMA],
      userName: email,
      active: true,
      externalId: body.externalId,
      name: { givenName: body.name.givenName, familyName: "Tester" },
      emails: [{ value: email, primary: true }],
    });
    expect(res.json.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("location")).toBe(res.json.meta.location);
    expect(JSON.stringify(res.json)).not.toContain("password");
    createdId = res.json.id;
    // No password was stored: the user signs in through the IdP.
    const user = await db.user.findUniqueOrThrow({ where: { email }, select: { passwordHash: true } });
    expect(user.passwordHash).toBeNull();
  });

  it("Verify that user was created: GET /Users/{id}", async () => {
    const res = await scim(token, "GET", `/Users/${createdId}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: createdId, userName: email, active: true });
  });

  it("Expect failure when recreating user with same values: 409 uniqueness", async () => {
    const res = await scim(token, "POST", "/Users", oktaUser(email));
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "409", scimType: "uniqueness" });
    // The same with the address in other case: userName is one identity whatever its case.
    const upper = await scim(token, "POST", "/Users", oktaUser(email.toUpperCase()));
    expect(upper.status).toBe(409);
  });

  it("Username Case Sensitivity Check: userName eq matches whatever the case", async () => {
    const res = await scim(token, "GET", filter(`userName eq "${email.toUpperCase()}"`));
    expect(res.status).toBe(200);
    expect(res.json.totalResults).toBe(1);
    expect(res.json.Resources[0]).toMatchObject({ id: createdId, userName: email });
  });

  it("lets exactly one of several concurrent creates of one userName win; the others are 409", async () => {
    const address = `race-${unique()}@example.test`;
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => scim(token, "POST", "/Users", oktaUser(i % 2 ? address.toUpperCase() : address))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await db.membership.count({ where: { orgId: org.id, user: { email: address } } })).toBe(1);
    expect(await db.user.count({ where: { email: address } })).toBe(1);
  });

  it("answers 401 without a token, and 401 with a wrong one, as SCIM errors", async () => {
    const none = await scim(null, "GET", "/Users");
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "401" });
    const wrong = await scim(`${token.slice(0, -1)}x`, "GET", "/Users");
    expect(wrong.status).toBe(401);
    const apiKeyShaped = await scim("ghk1_notascimtoken", "GET", "/Users");
    expect(apiKeyShaped.status).toBe(401);
  });

  it("answers 404 for an unknown id, as a SCIM error", async () => {
    for (const id of ["010101001010101010", crypto.randomUUID()]) {
      const res = await scim(token, "GET", `/Users/${id}`);
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "404" });
      expect(res.text).not.toMatch(/at .*\.ts|stack/i);
    }
  });

  it("pages with startIndex and count, totalResults counting every match", async () => {
    const pageOrg = await makeOrg("Paging");
    const { secret } = await makeScimToken(pageOrg.id);
    const emails: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const address = `page${i}-${unique()}@example.test`;
      emails.push(address);
      expect((await scim(secret, "POST", "/Users", oktaUser(address))).status).toBe(201);
    }
    const page = await scim(secret, "GET", "/Users?startIndex=2&count=2");
    expect(page.json).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(page.json.Resources.map((u: { userName: string }) => u.userName)).toEqual(emails.slice(1, 3));
    const last = await scim(secret, "GET", "/Users?startIndex=5&count=2");
    expect(last.json).toMatchObject({ totalResults: 5, startIndex: 5, itemsPerPage: 1 });
    expect(last.json.Resources[0].userName).toBe(emails[4]);
    const beyond = await scim(secret, "GET", "/Users?startIndex=9&count=2");
    expect(beyond.json).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    const countOnly = await scim(secret, "GET", "/Users?count=0");
    expect(countOnly.json).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    // Out-of-range values are clamped, not refused: startIndex below 1 is 1, count above 200 is 200.
    const clamped = await scim(secret, "GET", "/Users?startIndex=-3&count=100000");
    expect(clamped.json).toMatchObject({ totalResults: 5, startIndex: 1, itemsPerPage: 5 });
    const bad = await scim(secret, "GET", "/Users?count=ten");
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ schemas: [ERROR_SCHEMA], status: "400", scimType: "invalidValue" });
  });
});
