import { describe, expect, it } from "vitest";
import { booleanAttribute, compileFilter, idAttribute, MAX_FILTER_LENGTH, parseFilter, stringAttribute, type AttributeTable } from "@/lib/scim/filter";

type Where = Record<string, unknown>;
const table: AttributeTable<Where> = {
  id: idAttribute((id) => ({ id })),
  username: stringAttribute<Where>((f) => ({ email: f }), { caseExact: false, name: "userName" }),
  "emails.value": stringAttribute<Where>((f) => ({ email: f }), { caseExact: false, name: "emails.value" }),
  externalid: stringAttribute<Where>((f) => ({ ext: f }), { caseExact: true, name: "externalId", present: { ext: { not: null } } }),
  active: booleanAttribute((active) => ({ active }), "active"),
};
const compile = (filter: string) => compileFilter(parseFilter(filter), table);

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    return error as { status: number; scimType: string; message: string };
  }
  throw new Error("expected an error");
}

describe("parseFilter", () => {
  it("reads comparisons, case-insensitive operators and names, and every kind of value", () => {
    expect(parseFilter('userName Eq "Ada@Example.com"')).toEqual({ type: "compare", path: "username", op: "eq", value: "Ada@Example.com" });
    expect(parseFilter("active eq true")).toEqual({ type: "compare", path: "active", op: "eq", value: true });
    expect(parseFilter("x eq null")).toMatchObject({ value: null });
    expect(parseFilter("x gt 4.5")).toMatchObject({ op: "gt", value: 4.5 });
    expect(parseFilter("title pr")).toEqual({ type: "compare", path: "title", op: "pr", value: null });
    expect(parseFilter('userName eq "a \\"quoted\\" name"')).toMatchObject({ value: 'a "quoted" name' });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"')).toMatchObject({ path: "username" });
  });

  it("binds not tighter than and, and tighter than or", () => {
    expect(parseFilter('a eq "1" or b eq "2" and c eq "3"')).toEqual({
      type: "or",
      left: { type: "compare", path: "a", op: "eq", value: "1" },
      right: { type: "and", left: { type: "compare", path: "b", op: "eq", value: "2" }, right: { type: "compare", path: "c", op: "eq", value: "3" } },
    });
    // The case scimmy's own parser gets wrong: not (a or b) is not (not a) or (not b).
    expect(parseFilter('not (a eq "1" or b eq "2")')).toEqual({
      type: "not",
      expr: { type: "or", left: { type: "compare", path: "a", op: "eq", value: "1" }, right: { type: "compare", path: "b", op: "eq", value: "2" } },
    });
  });

  it("reads value paths as sub-attribute comparisons", () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      type: "and",
      left: { type: "compare", path: "emails.type", op: "eq", value: "work" },
      right: { type: "compare", path: "emails.value", op: "co", value: "@example.com" },
    });
  });

  it("refuses what the grammar does not accept with 400 invalidFilter", () => {
    for (const bad of ["", "userName", "userName eq", 'userName xx "a"', 'userName eq "a" and', '(userName eq "a"', 'userName eq bare', 'userName eq "unterminated', '"a" eq "b"', 'emails[value eq "a"', "a.b.c eq 1", "x".repeat(MAX_FILTER_LENGTH + 1)]) {
      expect(errorOf(() => parseFilter(bad)), bad).toMatchObject({ status: 400, scimType: "invalidFilter" });
    }
    const many = Array.from({ length: 21 }, (_, i) => `a eq "${i}"`).join(" or ");
    expect(errorOf(() => parseFilter(many))).toMatchObject({ status: 400, scimType: "invalidFilter" });
  });
});

describe("compileFilter", () => {
  it("compiles string comparisons, case-insensitive where the attribute is", () => {
    expect(compile('userName eq "Ada@Example.com"')).toEqual({ email: { equals: "Ada@Example.com", mode: "insensitive" } });
    expect(compile('externalId eq "X1"')).toEqual({ ext: { equals: "X1" } });
    expect(compile('emails.value ew "@example.com"')).toEqual({ email: { endsWith: "@example.com", mode: "insensitive" } });
    expect(compile('userName ne "a"')).toEqual({ NOT: [{ email: { equals: "a", mode: "insensitive" } }] });
    expect(compile("externalId pr")).toEqual({ ext: { not: null } });
    expect(compile("userName pr")).toEqual({});
  });

  it("compiles and, or and not into nested clauses", () => {
    expect(compile('userName eq "a" and (externalId eq "b" or not (active eq false))')).toEqual({
      AND: [{ email: { equals: "a", mode: "insensitive" } }, { OR: [{ ext: { equals: "b" } }, { NOT: [{ active: false }] }] }],
    });
  });

  it("matches nothing for an id that is not a UUID, and takes booleans as Entra writes them", () => {
    expect(compile('id eq "0101"')).toEqual({ id: { in: [] } });
    const id = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";
    expect(compile(`id eq "${id}"`)).toEqual({ id: id.toLowerCase() });
    expect(compile('active eq "False"')).toEqual({ active: false });
    expect(compile("active ne true")).toEqual({ active: false });
  });

  it("refuses unknown attributes, wrong operators and wrong value types", () => {
    for (const bad of ['title eq "x"', 'userName gt "a"', "userName eq 5", 'active eq "maybe"', "active co true", 'emails.type eq "work"']) {
      expect(errorOf(() => compile(bad)), bad).toMatchObject({ status: 400, scimType: "invalidFilter" });
    }
  });
});
