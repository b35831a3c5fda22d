import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/app/callback-url";

describe("post-sign-in destinations", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeCallbackUrl("/acme/projects")).toBe("/acme/projects");
    expect(safeCallbackUrl("/invite/ghi_abc?x=1#y")).toBe("/invite/ghi_abc?x=1#y");
  });

  it.each([
    "https://evil.example/",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/sign-in",
    "/sign-up?callbackUrl=/x",
    "",
    "relative/path",
    "/\tevil",
  ])("refuses %s", (value) => {
    expect(safeCallbackUrl(value, "/")).toBe("/");
  });

  it("keeps encoded line breaks encoded: a path on our origin, never a header", () => {
    const result = safeCallbackUrl("/%0d%0aLocation:%20https://evil.example");
    expect(result.startsWith("/") && !result.startsWith("//")).toBe(true);
    expect(result).not.toMatch(/[\r\n]/);
  });

  it("takes the first of repeated parameters and refuses non-strings", () => {
    expect(safeCallbackUrl(["/a", "https://evil.example"])).toBe("/a");
    expect(safeCallbackUrl(undefined, "/home")).toBe("/home");
  });
});
