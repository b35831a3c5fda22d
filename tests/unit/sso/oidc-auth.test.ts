import { describe, expect, it } from "vitest";
import { callbackFailureReason, oidcRoute } from "@/lib/sso/oidc-auth";

describe("oidcRoute", () => {
  const id = "3f1c2b9e-8a7d-4c6b-9e5f-1a2b3c4d5e6f";
  it("picks the sign-in start and the callback of an OIDC connection", () => {
    expect(oidcRoute(["signin", `oidc-${id}`])).toEqual({ action: "signin", connectionId: id });
    expect(oidcRoute(["callback", `oidc-${id}`])).toEqual({ action: "callback", connectionId: id });
  });
  it("leaves every other next-auth route alone", () => {
    for (const segments of [undefined, [], ["session"], ["csrf"], ["providers"], ["callback", "credentials"], ["signin"], ["signin", "oidc-not-a-uuid"], ["callback", `oidc-${id}`, "extra"], ["error"], ["signout"]]) {
      expect(oidcRoute(segments)).toBeNull();
    }
  });
});

describe("callbackFailureReason", () => {
  it("names what went wrong at the callback", () => {
    expect(callbackFailureReason("OAUTH_CALLBACK_ERROR: state cookie was created for a different provider than the one handling the callback.", null)).toBe("response_for_another_connection");
    expect(callbackFailureReason("OAUTH_CALLBACK_ERROR: State cookie was missing.", null)).toBe("missing_sign_in_state");
    expect(callbackFailureReason("OAUTH_CALLBACK_ERROR: state mismatch, expected abc, got: def", null)).toBe("state_mismatch");
    expect(callbackFailureReason("OAUTH_CALLBACK_ERROR: invalid_grant (grant request is invalid)", null)).toBe("code_rejected");
    expect(callbackFailureReason("OAUTH_CALLBACK_ERROR: unexpected iss value, expected https://a, got: https://b", null)).toBe("id_token_invalid");
    expect(callbackFailureReason("OAUTH_CALLBACK_ERROR: something else", null)).toBe("callback_failed");
    expect(callbackFailureReason("", "access_denied")).toBe("idp_error");
  });
});
