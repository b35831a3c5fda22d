import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKeyRing, type KeyRingSource } from "@/lib/vault/keyring";

/**
 * The master key ring from MASTER_KEYS ("id:base64,…"), MASTER_KEY and
 * MASTER_KEY_ID: what is accepted, what is refused, and that a refusal never
 * repeats any of the configured key material.
 */
const key = () => randomBytes(32).toString("base64");
const K1 = key();
const K2 = key();
const K3 = key();

function ring(source: KeyRingSource) {
  const parsed = parseKeyRing(source);
  if ("problems" in parsed) throw new Error(`unexpected problems: ${parsed.problems.join("; ")}`);
  return parsed.ring;
}

function problems(source: KeyRingSource): string[] {
  const parsed = parseKeyRing(source);
  expect("problems" in parsed, JSON.stringify(source)).toBe(true);
  return "problems" in parsed ? parsed.problems : [];
}

/** Every value given as key material, and pieces of it long enough to matter. */
function materialOf(source: KeyRingSource): string[] {
  const values = `${source.MASTER_KEYS ?? ""},${source.MASTER_KEY ?? ""}`
    .split(/[,:]/)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length >= 16);
  return values.flatMap((value) => [value, value.slice(0, 8), value.slice(-8), value.slice(8, 16)]);
}

describe("parseKeyRing", () => {
  it("reads MASTER_KEYS as id:base64 pairs, with the active one named by MASTER_KEY_ID", () => {
    const parsed = ring({ MASTER_KEYS: `old:${K1},new:${K2}`, MASTER_KEY_ID: "new" });
    expect(parsed.activeId).toBe("new");
    expect([...parsed.keys.keys()]).toEqual(["old", "new"]);
    expect(parsed.keys.get("old")).toEqual(Buffer.from(K1, "base64"));
    expect(parsed.keys.get("new")).toEqual(Buffer.from(K2, "base64"));
  });

  it("tolerates spaces around entries, ids and keys, and empty entries", () => {
    const parsed = ring({ MASTER_KEYS: ` a : ${K1} ,, b:${K2} , `, MASTER_KEY_ID: "a" });
    expect([...parsed.keys.keys()]).toEqual(["a", "b"]);
    expect(parsed.keys.get("a")).toEqual(Buffer.from(K1, "base64"));
  });

  it("accepts ids of 1 to 32 characters of A-Z a-z 0-9 _ -, and unpadded base64", () => {
    const long = "A_b-9".padEnd(32, "x");
    const parsed = ring({ MASTER_KEYS: `${long}:${K1},x:${K2.replace(/=+$/, "")}`, MASTER_KEY_ID: "x" });
    expect([...parsed.keys.keys()]).toEqual([long, "x"]);
    expect(parsed.keys.get("x")).toEqual(Buffer.from(K2, "base64"));
  });

  it("puts a single MASTER_KEY in the ring under MASTER_KEY_ID", () => {
    const parsed = ring({ MASTER_KEY: K1, MASTER_KEY_ID: "v1" });
    expect(parsed.activeId).toBe("v1");
    expect([...parsed.keys]).toEqual([["v1", Buffer.from(K1, "base64")]]);
  });

  it("adds MASTER_KEY to the keys of MASTER_KEYS, and accepts it when both give the same key for an id", () => {
    expect([...ring({ MASTER_KEYS: `old:${K1}`, MASTER_KEY: K2, MASTER_KEY_ID: "new" }).keys.keys()]).toEqual(["old", "new"]);
    const agreeing = ring({ MASTER_KEYS: `old:${K1},new:${K2}`, MASTER_KEY: K2, MASTER_KEY_ID: "new" });
    expect(agreeing.keys.size).toBe(2);
    expect(agreeing.keys.get("new")).toEqual(Buffer.from(K2, "base64"));
  });

  it("refuses MASTER_KEY and MASTER_KEYS disagreeing about an id", () => {
    const source = { MASTER_KEYS: `old:${K1},new:${K2}`, MASTER_KEY: K3, MASTER_KEY_ID: "new" };
    expect(problems(source)).toEqual(['MASTER_KEY and MASTER_KEYS give different keys for "new"']);
  });

  it("refuses an id named twice, even with the same key", () => {
    expect(problems({ MASTER_KEYS: `a:${K1},b:${K2},a:${K3}`, MASTER_KEY_ID: "a" })).toEqual(['MASTER_KEYS names "a" twice']);
    expect(problems({ MASTER_KEYS: `a:${K1},a:${K1}`, MASTER_KEY_ID: "a" })).toEqual(['MASTER_KEYS names "a" twice']);
  });

  it.each([
    ["not base64", "!!!!not-base64!!!!not-base64!!!!not-base64!"],
    ["base64url alphabet", Buffer.from(randomBytes(32)).toString("base64url").replace(/^./, "-")],
    ["31 bytes", randomBytes(31).toString("base64")],
    ["33 bytes", randomBytes(33).toString("base64")],
    ["16 bytes", randomBytes(16).toString("base64")],
    ["64 bytes", randomBytes(64).toString("base64")],
    ["hex instead of base64", randomBytes(32).toString("hex")],
    ["space inside", `${K1.slice(0, 20)} ${K1.slice(20)}`],
    ["empty", ""],
  ])("refuses a key that is not 32 bytes of base64 (%s)", (_name, value) => {
    expect(problems({ MASTER_KEYS: `good:${K1},bad:${value}`, MASTER_KEY_ID: "good" })).toEqual(['key "bad" must be 32 bytes, base64-encoded']);
    // An empty MASTER_KEY means "not set": then there is no key at all.
    const single = problems({ MASTER_KEY: value, MASTER_KEY_ID: "v1" });
    expect(single).toEqual([value ? 'key "v1" must be 32 bytes, base64-encoded' : "MASTER_KEYS or MASTER_KEY: no key-encryption key configured"]);
  });

  it.each([
    ["no id", `:${K1}`],
    ["no colon at all", K1],
    ["a space in the id", `a b:${K1}`],
    ["a dot in the id", `a.b:${K1}`],
    ["33 characters", `${"x".repeat(33)}:${K1}`],
    ["non-ASCII", `clé:${K1}`],
  ])("refuses an entry whose id is not valid (%s), without echoing it", (_name, entry) => {
    const found = problems({ MASTER_KEYS: `good:${K2},${entry}`, MASTER_KEY_ID: "good" });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^MASTER_KEYS entries are id:base64-key/);
    expect(found[0]).toContain("entry 2");
  });

  it("numbers a refused entry by its position, whatever was refused before it", () => {
    const found = problems({ MASTER_KEYS: `a:short,b:${K1},b:${K2},bad id:${K3}`, MASTER_KEY_ID: "b" });
    expect(found).toHaveLength(3);
    expect(found[2]).toContain("entry 4");
  });

  it("refuses an active id that is not in the ring, naming the ids it has", () => {
    expect(problems({ MASTER_KEYS: `old:${K1},new:${K2}`, MASTER_KEY_ID: "newer" })).toEqual(['MASTER_KEY_ID "newer" is not in the key ring (ids: old, new)']);
  });

  it("refuses a configuration without any key", () => {
    expect(problems({ MASTER_KEY_ID: "v1" })).toEqual(["MASTER_KEYS or MASTER_KEY: no key-encryption key configured"]);
    expect(problems({ MASTER_KEYS: " , ", MASTER_KEY_ID: "v1" })).toEqual(["MASTER_KEYS or MASTER_KEY: no key-encryption key configured"]);
  });

  it("reports every problem at once", () => {
    const found = problems({ MASTER_KEYS: `a:${K1},a:${K2},b:xyz,:${K3}`, MASTER_KEY: K3, MASTER_KEY_ID: "a" });
    expect(found).toEqual([
      'MASTER_KEYS names "a" twice',
      'key "b" must be 32 bytes, base64-encoded',
      expect.stringMatching(/^MASTER_KEYS entries are id:base64-key .*entry 4/),
      'MASTER_KEY and MASTER_KEYS give different keys for "a"',
    ]);
  });

  it("never repeats key material in a problem", () => {
    const short = randomBytes(31).toString("base64");
    const long = randomBytes(33).toString("base64");
    const hex = randomBytes(32).toString("hex");
    const sources: KeyRingSource[] = [
      { MASTER_KEYS: `old:${K1},new:${K2}`, MASTER_KEY: K3, MASTER_KEY_ID: "new" },
      { MASTER_KEYS: `a:${K1},a:${K2}`, MASTER_KEY_ID: "a" },
      { MASTER_KEYS: `a:${short},b:${long},c:${hex}`, MASTER_KEY_ID: "a" },
      { MASTER_KEYS: `${K1},${K2}:${K3},a b:${K1}`, MASTER_KEY_ID: "a" },
      { MASTER_KEYS: `a:${K1}`, MASTER_KEY: short, MASTER_KEY_ID: "a" },
      { MASTER_KEY: hex, MASTER_KEY_ID: "v1" },
      { MASTER_KEYS: `old:${K1},new:${K2}`, MASTER_KEY_ID: "gone" },
    ];
    for (const source of sources) {
      const text = problems(source).join("\n");
      for (const material of materialOf(source)) expect(text, JSON.stringify(source)).not.toContain(material);
    }
  });
});
