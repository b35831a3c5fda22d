import { createHash, randomBytes, randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROVIDERS } from "@/lib/gateway/types";
import { fingerprintOf, FORMAT_VERSION, kekCheckValue, last4Of, open, rewrap, seal, VaultError, type Binding, type Sealed } from "@/lib/vault/envelope";
import type { KeyRing } from "@/lib/vault/keyring";

/**
 * Envelope encryption of provider keys: every secret opens to itself under
 * its own binding and nothing else; any change to any stored byte or field is
 * refused with a VaultError; re-wrapping moves only the data key.
 */
const kek = () => randomBytes(32);
const makeRing = (activeId: string, keys: Record<string, Buffer>): KeyRing => ({ activeId, keys: new Map(Object.entries(keys)) });

const OLD = kek();
const NEW = kek();
const OTHER = kek();
const ring = makeRing("old", { old: OLD, other: OTHER });

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const randomText = (length: number, chars = alphabet) => Array.from(randomBytes(length), (b) => chars[b % chars.length]).join("");

/** Key shapes as the providers issue them, plus lengths around the block and tag sizes. */
const SECRETS: Record<(typeof PROVIDERS)[number], string[]> = {
  openai: [
    `sk-${randomText(48)}`,
    `sk-proj-${randomText(156, `${alphabet}-_`)}`,
    `sk-svcacct-${randomText(164, `${alphabet}-_`)}`,
    `sk-admin-${randomText(120, `${alphabet}-_`)}`,
  ],
  anthropic: [`sk-ant-api03-${randomText(93, `${alphabet}-_`)}AA`, `sk-ant-admin01-${randomText(93, `${alphabet}-_`)}AA`],
};
const EDGE_LENGTHS = [0, 1, 2, 3, 4, 5, 8, 11, 12, 15, 16, 17, 27, 28, 29, 31, 32, 33, 63, 64, 65, 255, 256, 257, 511, 512, 513, 4096];

function bindingFor(secret: string, overrides: Partial<Binding> = {}): Binding {
  return {
    orgId: randomUUID(),
    credentialId: randomUUID(),
    projectId: null,
    provider: "openai",
    fingerprint: fingerprintOf(secret),
    last4: last4Of(secret),
    ...overrides,
  };
}

function refused(run: () => unknown, reason?: VaultError["reason"]): VaultError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VaultError);
  if (reason) expect((caught as VaultError).reason).toBe(reason);
  return caught as VaultError;
}

const copy = (sealed: Sealed): Sealed => ({ ...sealed, wrappedDek: Buffer.from(sealed.wrappedDek), ciphertext: Buffer.from(sealed.ciphertext) });

describe("seal and open", () => {
  for (const provider of PROVIDERS) {
    it.each(SECRETS[provider].map((secret) => [secret.slice(0, 12), secret]))(`${provider}: %s… round trips, with and without a project`, (_shape, secret) => {
      for (const projectId of [null, randomUUID()]) {
        const binding = bindingFor(secret, { provider, projectId });
        const sealed = seal(ring, binding, secret);
        expect(sealed).toMatchObject({ formatVersion: FORMAT_VERSION, kekId: "old" });
        // nonce (12) | data key (32) | tag (16); nonce | secret | tag.
        expect(sealed.wrappedDek).toHaveLength(12 + 32 + 16);
        expect(sealed.ciphertext).toHaveLength(12 + Buffer.byteLength(secret) + 16);
        expect(open(ring, binding, sealed)).toBe(secret);
        expect(sealed.ciphertext.toString("latin1")).not.toContain(secret.slice(-12));
      }
    });
  }

  it.each(EDGE_LENGTHS)("a secret of %i ASCII characters round trips", (length) => {
    const secret = randomText(length, "!#$%&()*+-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~");
    const binding = bindingFor(secret);
    expect(open(ring, binding, seal(ring, binding, secret))).toBe(secret);
  });

  it("uses a fresh data key and fresh nonces for every seal of the same secret", () => {
    const secret = SECRETS.openai[1]!;
    const binding = bindingFor(secret);
    const seals = Array.from({ length: 20 }, () => seal(ring, binding, secret));
    const distinct = (values: Buffer[]) => new Set(values.map((b) => b.toString("hex"))).size;
    expect(distinct(seals.map((s) => s.wrappedDek))).toBe(20);
    expect(distinct(seals.map((s) => s.ciphertext))).toBe(20);
    expect(distinct(seals.map((s) => s.wrappedDek.subarray(0, 12)))).toBe(20);
    expect(distinct(seals.map((s) => s.ciphertext.subarray(0, 12)))).toBe(20);
    // Each wrapped data key opens only its own ciphertext: the data keys differ.
    const [a, b] = seals as [Sealed, Sealed];
    expect(open(ring, binding, a)).toBe(secret);
    refused(() => open(ring, binding, { ...a, ciphertext: b.ciphertext }), "integrity");
    refused(() => open(ring, binding, { ...b, ciphertext: a.ciphertext }), "integrity");
  });

  it("property: any printable secret and any binding round trip", () => {
    const binding = fc.record({
      orgId: fc.uuid(),
      credentialId: fc.uuid(),
      projectId: fc.option(fc.uuid(), { nil: null }),
      provider: fc.constantFrom(...PROVIDERS),
    });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 600 }), binding, (secret, partial) => {
        const full: Binding = { ...partial, fingerprint: fingerprintOf(secret), last4: last4Of(secret) };
        const sealed = seal(ring, full, secret);
        expect(open(ring, full, sealed)).toBe(secret);
        expect(open(makeRing("other", { old: OLD, other: OTHER }), full, sealed)).toBe(secret);
      }),
      { numRuns: 500 },
    );
  });

  it("property: any unicode secret round trips", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (secret) => {
        const binding = bindingFor(secret);
        expect(open(ring, binding, seal(ring, binding, secret))).toBe(secret);
      }),
      { numRuns: 300 },
    );
  });
});

describe("tampering", () => {
  const secret = SECRETS.anthropic[0]!;
  const binding = bindingFor(secret, { provider: "anthropic", projectId: randomUUID() });
  const sealed = seal(ring, binding, secret);

  it.each(["wrappedDek", "ciphertext"] as const)("every bit of every byte of %s is checked", (field) => {
    const length = sealed[field].length;
    let checked = 0;
    for (let position = 0; position < length; position++) {
      for (let bit = 0; bit < 8; bit++) {
        const changed = copy(sealed);
        changed[field][position]! ^= 1 << bit;
        refused(() => open(ring, binding, changed), "integrity");
        checked++;
      }
      // And a byte replaced outright.
      const replaced = copy(sealed);
      replaced[field][position] = (replaced[field][position]! + 1 + (position % 255)) % 256;
      refused(() => open(ring, binding, replaced), "integrity");
      // A re-wrap unwraps the data key first (the secret's ciphertext it leaves as it is).
      if (field === "wrappedDek") refused(() => rewrap(makeRing("other", { old: OLD, other: OTHER }), binding, replaced), "integrity");
    }
    expect(checked).toBe(length * 8);
    // The original is untouched and still opens.
    expect(open(ring, binding, sealed)).toBe(secret);
  });

  it("property: a random change to any byte is refused", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("wrappedDek" as const, "ciphertext" as const),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (field, at, xor) => {
          const changed = copy(sealed);
          changed[field][at % changed[field].length]! ^= xor;
          refused(() => open(ring, binding, changed), "integrity");
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("a truncated or extended buffer is refused", () => {
    for (const field of ["wrappedDek", "ciphertext"] as const) {
      for (let length = 0; length < sealed[field].length; length++) {
        refused(() => open(ring, binding, { ...sealed, [field]: sealed[field].subarray(0, length) }), "integrity");
        refused(() => open(ring, binding, { ...sealed, [field]: sealed[field].subarray(sealed[field].length - length) }), "integrity");
      }
      refused(() => open(ring, binding, { ...sealed, [field]: Buffer.concat([sealed[field], Buffer.from([0])]) }), "integrity");
      refused(() => open(ring, binding, { ...sealed, [field]: Buffer.alloc(0) }), "integrity");
    }
  });

  it("the KEK id is bound: another id of the ring, the same key under another id, or an unknown id is refused", () => {
    refused(() => open(ring, binding, { ...sealed, kekId: "other" }), "integrity");
    // Even a ring holding the very same key under a second id: the id itself is authenticated.
    const aliased = makeRing("old", { old: OLD, alias: OLD });
    refused(() => open(aliased, binding, { ...sealed, kekId: "alias" }), "integrity");
    refused(() => open(ring, binding, { ...sealed, kekId: "missing" }), "unknown_kek");
    refused(() => open(ring, binding, { ...sealed, kekId: "" }), "unknown_kek");
    // The right id mapped to other bytes.
    refused(() => open(makeRing("old", { old: NEW }), binding, sealed), "integrity");
  });

  it.each([0, 2, -1, 255, 1.5])("format version %s is refused", (formatVersion) => {
    refused(() => open(ring, binding, { ...sealed, formatVersion }), "unsupported_format");
    refused(() => rewrap(makeRing("other", { old: OLD, other: OTHER }), binding, { ...sealed, formatVersion }), "unsupported_format");
  });

  const otherValues: { [K in keyof Binding]: Binding[K][] } = {
    orgId: [randomUUID(), binding.orgId.toUpperCase(), ""],
    credentialId: [randomUUID(), binding.credentialId.toUpperCase(), ""],
    projectId: [null, randomUUID(), "", "null"],
    provider: ["openai", "Anthropic", "anthropic ", ""],
    fingerprint: [fingerprintOf(`${secret}x`), binding.fingerprint.replace(/.$/, (c) => (c === "0" ? "1" : "0")), ""],
    last4: [last4Of(`${secret}x`), "AAAA", "AA", ""],
  };
  it.each(Object.keys(otherValues) as (keyof Binding)[])("the binding's %s is authenticated", (field) => {
    for (const value of otherValues[field]) {
      expect(value).not.toBe(binding[field]);
      refused(() => open(ring, { ...binding, [field]: value }, sealed), "integrity");
    }
  });

  it("a ciphertext, a wrapped data key, or both, moved to another org or credential are refused", () => {
    const otherOrg = bindingFor(secret, { provider: "anthropic", projectId: binding.projectId });
    const sameOrgOtherCredential = { ...binding, credentialId: randomUUID() };
    for (const target of [otherOrg, sameOrgOtherCredential]) {
      const resident = seal(ring, target, SECRETS.anthropic[1]!);
      // Both fields moved as they are, under the target's binding.
      refused(() => open(ring, target, sealed), "integrity");
      // Only the ciphertext, or only the wrapped data key, transplanted into the target's row.
      refused(() => open(ring, target, { ...resident, ciphertext: sealed.ciphertext }), "integrity");
      refused(() => open(ring, target, { ...resident, wrappedDek: sealed.wrappedDek }), "integrity");
      // And the other way round.
      refused(() => open(ring, binding, { ...sealed, ciphertext: resident.ciphertext }), "integrity");
      refused(() => open(ring, binding, { ...sealed, wrappedDek: resident.wrappedDek }), "integrity");
      expect(open(ring, target, resident)).toBe(SECRETS.anthropic[1]);
    }
  });
});

describe("rewrap", () => {
  const secret = SECRETS.openai[2]!;
  const binding = bindingFor(secret, { projectId: randomUUID() });
  const before = seal(makeRing("old", { old: OLD }), binding, secret);
  const rotated = makeRing("new", { old: OLD, new: NEW });

  it("moves the data key to the active KEK and leaves the ciphertext as it was", () => {
    const after = rewrap(rotated, binding, before);
    expect(after.kekId).toBe("new");
    expect(after.formatVersion).toBe(FORMAT_VERSION);
    expect(after.ciphertext.equals(before.ciphertext)).toBe(true);
    expect(after.wrappedDek.equals(before.wrappedDek)).toBe(false);
    expect(open(rotated, binding, after)).toBe(secret);
    // The old KEK can leave the ring: the re-wrapped secret still opens.
    expect(open(makeRing("new", { new: NEW }), binding, after)).toBe(secret);
    // The original record still needs the old KEK.
    refused(() => open(makeRing("new", { new: NEW }), binding, before), "unknown_kek");
    // The re-wrapped data key is bound to its new KEK id like any other.
    refused(() => open(rotated, binding, { ...after, kekId: "old" }), "integrity");
  });

  it("is a no-op when the data key is already under the active KEK", () => {
    const once = rewrap(rotated, binding, before);
    expect(rewrap(rotated, binding, once)).toBe(once);
    const fresh = seal(rotated, binding, secret);
    expect(rewrap(rotated, binding, fresh)).toBe(fresh);
  });

  it("refuses to re-wrap a record that does not open, or whose KEK is gone", () => {
    refused(() => rewrap(rotated, { ...binding, orgId: randomUUID() }, before), "integrity");
    refused(() => rewrap(makeRing("new", { new: NEW }), binding, before), "unknown_kek");
  });

  it("property: any secret sealed under one KEK opens after a re-wrap under another ring without it", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300 }), fc.uuid(), fc.uuid(), fc.option(fc.uuid(), { nil: null }), (value, orgId, credentialId, projectId) => {
        const b: Binding = { orgId, credentialId, projectId, provider: "anthropic", fingerprint: fingerprintOf(value), last4: last4Of(value) };
        const sealedOld = seal(makeRing("old", { old: OLD }), b, value);
        const moved = rewrap(rotated, b, sealedOld);
        expect(moved.ciphertext).toBe(sealedOld.ciphertext);
        expect(open(makeRing("new", { new: NEW }), b, moved)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});

describe("fingerprints, last four and check values", () => {
  const keys = [...SECRETS.openai, ...SECRETS.anthropic];

  it("a fingerprint is 16 hex digits, stable, and never contains the key or a piece of it", () => {
    for (const secret of keys) {
      const fp = fingerprintOf(secret);
      expect(fp).toMatch(/^[0-9a-f]{16}$/);
      expect(fingerprintOf(secret)).toBe(fp);
      for (let i = 0; i + 8 <= secret.length; i++) expect(fp).not.toContain(secret.slice(i, i + 8));
      // The labelled SHA-256 it is documented to be: stored fingerprints stay comparable across releases.
      expect(fp).toBe(createHash("sha256").update(`gatehouse.provider-key.fingerprint\0${secret}`).digest("hex").slice(0, 16));
    }
  });

  it("property: different keys have different fingerprints", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 200 }), { minLength: 2, maxLength: 50 }), (secrets) => {
        expect(new Set(secrets.map(fingerprintOf)).size).toBe(secrets.length);
      }),
      { numRuns: 300 },
    );
    // Keys that differ in one character only, anywhere.
    const base = SECRETS.openai[1]!;
    const prints = new Set([fingerprintOf(base)]);
    for (let i = 0; i < base.length; i++) prints.add(fingerprintOf(`${base.slice(0, i)}${base[i] === "x" ? "y" : "x"}${base.slice(i + 1)}`));
    expect(prints.size).toBe(base.length + 1);
  });

  it("last four is the key's last four characters", () => {
    expect(last4Of("sk-proj-abcdWXYZ")).toBe("WXYZ");
    expect(last4Of("abc")).toBe("abc");
  });

  it("a KEK check value is 16 hex digits, stable, differs per key and reveals nothing of it", () => {
    const a = kekCheckValue(OLD);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(kekCheckValue(Buffer.from(OLD))).toBe(a);
    expect(kekCheckValue(NEW)).not.toBe(a);
    expect(OLD.toString("hex")).not.toContain(a);
    expect(a).not.toContain(OLD.toString("hex").slice(0, 8));
  });
});
