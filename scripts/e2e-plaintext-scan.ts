// After the browser suite: every provider-key plaintext used in the run is
// looked for in the whole database (every textual, JSON, array and bytea
// column of every table, as text and as hex and base64), in the server log and
// in every response body or trace the suite recorded. Used by scripts/e2e.ts.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import pg from "pg";

/** Column types that can hold a secret as text or bytes; numbers, dates, uuids and booleans cannot. */
const SCANNED_TYPES = new Set(["text", "character varying", "character", "bytea", "json", "jsonb", "ARRAY", "xml", "USER-DEFINED"]);

export interface Finding {
  where: string;
  /** Which secret (its position in the list, never the secret) and in which encoding. */
  secret: number;
  encoding: string;
  count: number;
}

export interface ScanReport {
  findings: Finding[];
  tables: number;
  columns: number;
  files: number;
  bytes: number;
}

interface Needle {
  secret: number;
  encoding: string;
  text: string;
}

/** Each secret as it could be stored: plain, hex (either case: bytea prints lower), base64 and base64url. */
function needlesOf(secrets: readonly string[]): Needle[] {
  const out: Needle[] = [];
  secrets.forEach((secret, index) => {
    const bytes = Buffer.from(secret, "utf8");
    const forms: [string, string][] = [
      ["text", secret],
      ["hex", bytes.toString("hex")],
      ["HEX", bytes.toString("hex").toUpperCase()],
      ["base64", bytes.toString("base64").replace(/=+$/, "")],
      ["base64url", bytes.toString("base64url")],
    ];
    const seen = new Set<string>();
    for (const [encoding, text] of forms) {
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ secret: index + 1, encoding, text });
    }
  });
  return out;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function scanDatabase(url: string, needles: Needle[], report: ScanReport) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ schema: string; table: string; column: string; type: string }>(
      `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column, c.data_type AS type
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg_toast%'
        ORDER BY 1, 2, c.ordinal_position`,
    );
    const tables = new Set(rows.map((row) => `${row.schema}.${row.table}`));
    report.tables += tables.size;
    const texts = needles.map((needle) => needle.text);
    for (const row of rows) {
      if (!SCANNED_TYPES.has(row.type)) continue;
      report.columns += 1;
      // bytea as text is its hex form (\x…), so the hex needles find plaintext bytes in it.
      const { rows: hits } = await client.query<{ i: string; n: number }>(
        `SELECT needle.i::text AS i, count(*)::int AS n
           FROM unnest($1::text[]) WITH ORDINALITY AS needle(text, i)
           JOIN ${quote(row.schema)}.${quote(row.table)} AS t ON strpos(t.${quote(row.column)}::text, needle.text) > 0
          GROUP BY needle.i`,
        [texts],
      );
      for (const hit of hits) {
        const needle = needles[Number(hit.i) - 1]!;
        report.findings.push({ where: `${row.schema}.${row.table}.${row.column}`, secret: needle.secret, encoding: needle.encoding, count: hit.n });
      }
    }
  } finally {
    await client.end();
  }
}

/** The entries of a zip file (Playwright traces), stored or deflated; enough of the format for those. */
function zipEntries(zip: Buffer): { name: string; data: Buffer }[] {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error("not a zip file");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; data: Buffer }[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error("bad zip central directory");
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + size);
    out.push({ name, data: method === 8 ? inflateRawSync(raw) : raw });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

function scanBuffer(where: string, data: Buffer, needles: Needle[], report: ScanReport) {
  report.bytes += data.length;
  const text = data.toString("latin1");
  for (const needle of needles) {
    let count = 0;
    for (let i = text.indexOf(needle.text); i >= 0; i = text.indexOf(needle.text, i + 1)) count += 1;
    if (count > 0) report.findings.push({ where, secret: needle.secret, encoding: needle.encoding, count });
  }
}

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  if (statSync(root).isFile()) return [root];
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => filesUnder(path.join(root, entry.name)));
}

function scanFile(file: string, needles: Needle[], report: ScanReport) {
  const data = readFileSync(file);
  report.files += 1;
  scanBuffer(file, data, needles, report);
  if (file.endsWith(".zip")) {
    for (const entry of zipEntries(data)) scanBuffer(`${file}:${entry.name}`, entry.data, needles, report);
  }
}

/** Look for every secret everywhere the run may have put it. `paths` are files or folders, scanned whole (zip files entry by entry too). */
export async function scanForPlaintexts(options: { databaseUrl: string; paths: readonly string[]; secrets: readonly string[] }): Promise<ScanReport> {
  const needles = needlesOf(options.secrets);
  const report: ScanReport = { findings: [], tables: 0, columns: 0, files: 0, bytes: 0 };
  await scanDatabase(options.databaseUrl, needles, report);
  for (const file of options.paths.flatMap(filesUnder)) scanFile(file, needles, report);
  return report;
}
