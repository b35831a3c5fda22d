import { createSocket, type RemoteInfo } from "node:dgram";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * A DNS server on loopback (UDP) that answers TXT queries from files, for the
 * browser tests of domain verification: the app is pointed at it with
 * `DNS_SERVERS=127.0.0.1:<port>`, and a test "publishes" a TXT record by
 * writing its value to `<dir>/<name>` (one value per line). Any other name
 * or type answers NXDOMAIN.
 */
export interface DnsServer {
  address: string;
  close(): Promise<void>;
}

const TXT = 16;

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  while (at < message.length) {
    const length = message[at]!;
    if (length === 0) return { name: labels.join("."), end: at + 1 };
    if (length > 63) throw new Error("compressed names are not expected in a question");
    labels.push(message.subarray(at + 1, at + 1 + length).toString("latin1"));
    at += 1 + length;
  }
  throw new Error("truncated name");
}

/** TXT RDATA: the value as character-strings of at most 255 bytes. */
function txtData(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
    if (bytes.length === 0) break;
  }
  return Buffer.concat(parts);
}

export function answer(query: Buffer, lookup: (name: string) => string[] | null): Buffer {
  const { name, end } = readName(query, 12);
  const type = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const values = type === TXT ? lookup(name.toLowerCase()) : null;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(values ? 0x8180 : 0x8183, 2); // response, recursion desired and available; NXDOMAIN when nothing
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(values?.length ?? 0, 6);
  const answers = (values ?? []).map((value) => {
    const data = txtData(value);
    const record = Buffer.alloc(12);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(TXT, 2);
    record.writeUInt16BE(1, 4);
    record.writeUInt32BE(0, 6);
    record.writeUInt16BE(data.length, 10);
    return Buffer.concat([record, data]);
  });
  return Buffer.concat([header, question, ...answers]);
}

export async function startDnsServer(dir: string): Promise<DnsServer> {
  const socket = createSocket("udp4");
  const lookup = (name: string) => {
    const file = path.join(dir, name);
    if (!/^[a-z0-9._-]+$/.test(name) || !existsSync(file)) return null;
    return readFileSync(file, "utf8").split("\n").map((line) => line.trim()).filter(Boolean);
  };
  socket.on("message", (message: Buffer, peer: RemoteInfo) => {
    try {
      socket.send(answer(message, lookup), peer.port, peer.address);
    } catch {
      // A malformed query gets no answer.
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
