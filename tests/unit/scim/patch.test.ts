import { describe, expect, it } from "vitest";
import { normalisePatch, PATCH_OP_SCHEMA } from "@/lib/scim/patch";

describe("normalisePatch", () => {
  it("lower-cases Entra's operations and turns its boolean strings into booleans", () => {
    expect(
      normalisePatch({
        schemas: [PATCH_OP_SCHEMA],
        Operations: [
          { op: "Replace", path: "active", value: "False" },
          { op: "Add", value: { active: "True", displayName: "True" } },
          { op: "Replace", path: 'emails[type eq "work"].primary', value: "true" },
          { op: "Replace", path: "urn:ietf:params:scim:schemas:core:2.0:User:active", value: "TRUE" },
          { op: "Add", path: "emails", value: [{ value: "a@example.com", primary: "True" }] },
        ],
      }),
    ).toEqual({
      schemas: [PATCH_OP_SCHEMA],
      Operations: [
        { op: "replace", path: "active", value: false },
        { op: "add", value: { active: true, displayName: "True" } },
        { op: "replace", path: 'emails[type eq "work"].primary', value: true },
        { op: "replace", path: "urn:ietf:params:scim:schemas:core:2.0:User:active", value: true },
        { op: "add", path: "emails", value: [{ value: "a@example.com", primary: true }] },
      ],
    });
  });

  it("drops read-only id, meta and schemas from Okta's path-less values, and an empty path", () => {
    expect(normalisePatch({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: "replace", path: "", value: { id: "g1", schemas: ["x"], meta: {}, displayName: "New" } }] })).toEqual({
      schemas: [PATCH_OP_SCHEMA],
      Operations: [{ op: "replace", value: { displayName: "New" } }],
    });
  });

  it("adds the message schema when it is missing, and leaves anything else for scimmy to judge", () => {
    expect(normalisePatch({ Operations: [{ op: "remove", path: "externalId" }] })).toEqual({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: "remove", path: "externalId" }] });
    expect(normalisePatch({ schemas: ["urn:other"], Operations: [] })).toEqual({ schemas: ["urn:other"], Operations: [] });
    expect(normalisePatch("nonsense")).toBe("nonsense");
    expect(normalisePatch({ Operations: "nope" })).toEqual({ schemas: [PATCH_OP_SCHEMA], Operations: "nope" });
    // "True" stays a string where the attribute is not a boolean one.
    expect(normalisePatch({ Operations: [{ op: "replace", path: "title", value: "True" }] })).toMatchObject({ Operations: [{ value: "True" }] });
  });
});
