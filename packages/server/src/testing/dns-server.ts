// An authoritative DNS server on loopback UDP that a test controls: it answers A, TXT and CNAME
// queries from a map, NXDOMAIN for names it does not hold, and nothing at all for names told to
// stay silent (the resolver times out). Enough of RFC 1035 for node:dns (c-ares) to talk to.
import { createSocket, type RemoteInfo } from "node:dgram";
import { once } from "node:events";
import { isIPv4 } from "node:net";

export type DnsRecords = { A?: string[]; TXT?: string[]; CNAME?: string };

const types = { A: 1, CNAME: 5, TXT: 16 } as const;
const classIn = 1;
const rcode = { noError: 0, formatError: 1, nameError: 3 } as const;

export type TestDnsServer = {
  /** What SLIPWAY_DNS_SERVERS takes: `127.0.0.1:<port>`. */
  address: string;
  /** Replaces every record of `name` (any case, no trailing dot). */
  set(name: string, records: DnsRecords): void;
  /** The name stops existing: NXDOMAIN. */
  remove(name: string): void;
  /** Queries for the name get no answer, as from a server that is down. */
  silence(name: string): void;
  /** Names asked for, lower-cased, in order. */
  queries: string[];
  stop(): Promise<void>;
};

const keyOf = (name: string) => name.toLowerCase().replace(/\.$/, "");

/** Reads a (possibly compressed) name at `offset`; returns it and where the field after it starts. */
function readName(message: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let offset = start;
  let next = -1;
  for (let jumps = 0; jumps < 32; jumps++) {
    const length = message.readUInt8(offset);
    if (length === 0) {
      return { name: labels.join("."), next: next === -1 ? offset + 1 : next };
    }
    if ((length & 0xc0) === 0xc0) {
      if (next === -1) next = offset + 2;
      offset = message.readUInt16BE(offset) & 0x3fff;
      continue;
    }
    labels.push(message.toString("latin1", offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  throw new Error("name compression loop");
}

function encodeName(name: string): Buffer {
  const parts = keyOf(name)
    .split(".")
    .filter(Boolean)
    .map((label) => {
      const bytes = Buffer.from(label, "latin1");
      return Buffer.concat([Buffer.from([bytes.length]), bytes]);
    });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function encodeRecord(name: string, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(classIn, 2);
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([encodeName(name), fixed, data]);
}

function txtData(value: string): Buffer {
  // One TXT value is a run of strings of up to 255 bytes each; resolvers join them.
  const bytes = Buffer.from(value, "utf8");
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length || chunks.length === 0; at += 255) {
    const chunk = bytes.subarray(at, at + 255);
    chunks.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(chunks);
}

export async function startDnsServer(): Promise<TestDnsServer> {
  const zone = new Map<string, DnsRecords>();
  const silent = new Set<string>();
  const queries: string[] = [];
  const socket = createSocket("udp4");

  /** The answers for one name and type, following a CNAME chain inside the zone. */
  function answersFor(name: string, type: number): { answers: Buffer[]; exists: boolean } {
    const answers: Buffer[] = [];
    let current = keyOf(name);
    for (let hops = 0; hops < 8; hops++) {
      const records = zone.get(current);
      if (!records) return { answers, exists: answers.length > 0 };
      if (records.CNAME !== undefined && type !== types.CNAME) {
        answers.push(encodeRecord(current, types.CNAME, encodeName(records.CNAME)));
        current = keyOf(records.CNAME);
        continue;
      }
      if (type === types.A) {
        for (const ip of records.A ?? []) {
          if (isIPv4(ip)) answers.push(encodeRecord(current, types.A, Buffer.from(ip.split(".").map(Number))));
        }
      } else if (type === types.TXT) {
        for (const value of records.TXT ?? []) answers.push(encodeRecord(current, types.TXT, txtData(value)));
      } else if (type === types.CNAME && records.CNAME !== undefined) {
        answers.push(encodeRecord(current, types.CNAME, encodeName(records.CNAME)));
      }
      return { answers, exists: true };
    }
    return { answers, exists: true };
  }

  function reply(query: Buffer, remote: RemoteInfo): void {
    if (query.length < 12) return;
    const id = query.readUInt16BE(0);
    const flags = query.readUInt16BE(2);
    const questions = query.readUInt16BE(4);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    // QR, the query's opcode and RD, AA and RA set.
    const base = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080;
    if (questions !== 1) {
      header.writeUInt16BE(base | rcode.formatError, 2);
      socket.send(header, remote.port, remote.address);
      return;
    }
    const { name, next } = readName(query, 12);
    const type = query.readUInt16BE(next);
    const question = query.subarray(12, next + 4);
    const key = keyOf(name);
    queries.push(key);
    if (silent.has(key)) return;
    const { answers, exists } = answersFor(key, type);
    header.writeUInt16BE(base | (exists ? rcode.noError : rcode.nameError), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, question, ...answers]), remote.port, remote.address);
  }

  socket.on("message", (message, remote) => {
    try {
      reply(message, remote);
    } catch {
      // A query this server cannot read gets no answer, like from a real one that drops garbage.
    }
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  const { port } = socket.address();

  return {
    address: `127.0.0.1:${port}`,
    set: (name, records) => {
      silent.delete(keyOf(name));
      zone.set(keyOf(name), records);
    },
    remove: (name) => {
      silent.delete(keyOf(name));
      zone.delete(keyOf(name));
    },
    silence: (name) => {
      silent.add(keyOf(name));
    },
    queries,
    stop: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
