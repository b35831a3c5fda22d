import { describe, expect, it } from "vitest";
import { issueSecret } from "@/lib/api-keys/format";
import { hashScimToken, issueScimToken, looksLikeScimToken, SCIM_TOKEN_LENGTH, SCIM_TOKEN_PATTERN } from "@/lib/scim/token-format";

describe("SCIM token format", () => {
  it("issues ghscim_ tokens with a checksum, a SHA-256 hash, a prefix and last four", () => {
    const issued = issueScimToken();
    expect(issued.secret).toMatch(/^ghscim_[0-9A-Za-z]{46}$/);
    expect(issued.secret).toHaveLength(SCIM_TOKEN_LENGTH);
    expect(looksLikeScimToken(issued.secret)).toBe(true);
    expect(issued.hash).toBe(hashScimToken(issued.secret));
    expect(issued.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.prefix).toBe(issued.secret.slice(0, 11));
    expect(issued.last4).toBe(issued.secret.slice(-4));
    expect(issueScimToken().secret).not.toBe(issued.secret);
    expect(`x ${issued.secret} y`.match(SCIM_TOKEN_PATTERN)).toEqual([issued.secret]);
  });

  it("tells a token from a mistyped one, an API key and junk, offline", () => {
    const { secret } = issueScimToken();
    const last = secret.at(-1) === "A" ? "B" : "A";
    expect(looksLikeScimToken(`${secret.slice(0, -1)}${last}`)).toBe(false);
    const middle = secret[20] === "A" ? "B" : "A";
    expect(looksLikeScimToken(`${secret.slice(0, 20)}${middle}${secret.slice(21)}`)).toBe(false);
    expect(looksLikeScimToken(issueSecret().secret)).toBe(false);
    expect(looksLikeScimToken(`${secret}x`)).toBe(false);
    expect(looksLikeScimToken(secret.replace("ghscim_", "ghscim-"))).toBe(false);
    expect(looksLikeScimToken("")).toBe(false);
  });
});
