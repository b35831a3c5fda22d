/**
 * The master key ring: key-encryption keys (KEKs) by id, and the id that wraps
 * new data keys. Configured as `MASTER_KEYS` ("id:base64,id:base64", each key
 * 32 bytes) with `MASTER_KEY_ID` naming the active one; a single `MASTER_KEY`
 * joins the ring under `MASTER_KEY_ID`.
 */
export interface KeyRing {
  readonly activeId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export const KEK_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface KeyRingSource {
  MASTER_KEYS?: string;
  MASTER_KEY?: string;
  MASTER_KEY_ID: string;
}

function decodeKey(id: string, value: string, problems: string[]): Buffer | null {
  const bytes = Buffer.from(value, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || bytes.length !== 32) {
    problems.push(`key "${id}" must be 32 bytes, base64-encoded`);
    return null;
  }
  return bytes;
}

/** The ring, or the list of what is wrong with the configuration (never echoing key material). */
export function parseKeyRing(source: KeyRingSource): { ring: KeyRing } | { problems: string[] } {
  const problems: string[] = [];
  const keys = new Map<string, Buffer>();
  for (const [index, raw] of (source.MASTER_KEYS ?? "").split(",").entries()) {
    const entry = raw.trim();
    if (!entry) continue;
    const colon = entry.indexOf(":");
    const id = colon > 0 ? entry.slice(0, colon).trim() : "";
    if (!KEK_ID.test(id)) {
      // Its position in the list, not the count of keys accepted so far.
      problems.push(`MASTER_KEYS entries are id:base64-key with an id of 1-32 characters A-Z a-z 0-9 _ - (entry ${index + 1} is not)`);
      continue;
    }
    if (keys.has(id)) {
      problems.push(`MASTER_KEYS names "${id}" twice`);
      continue;
    }
    const key = decodeKey(id, entry.slice(colon + 1).trim(), problems);
    if (key) keys.set(id, key);
  }
  if (source.MASTER_KEY) {
    const key = decodeKey(source.MASTER_KEY_ID, source.MASTER_KEY, problems);
    const existing = keys.get(source.MASTER_KEY_ID);
    if (key && existing && !existing.equals(key)) problems.push(`MASTER_KEY and MASTER_KEYS give different keys for "${source.MASTER_KEY_ID}"`);
    else if (key) keys.set(source.MASTER_KEY_ID, key);
  }
  if (keys.size === 0 && problems.length === 0) problems.push("MASTER_KEYS or MASTER_KEY: no key-encryption key configured");
  if (keys.size > 0 && !keys.has(source.MASTER_KEY_ID)) problems.push(`MASTER_KEY_ID "${source.MASTER_KEY_ID}" is not in the key ring (ids: ${[...keys.keys()].join(", ")})`);
  return problems.length > 0 ? { problems } : { ring: { activeId: source.MASTER_KEY_ID, keys } };
}
