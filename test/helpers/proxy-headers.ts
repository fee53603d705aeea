// PROXY protocol headers written by hand (HAProxy's proxy-protocol.txt), and clients that send
// one before their own bytes, as a proxy does.
import { once } from 'node:events';
import { isIPv4, type Socket as NetSocket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { ExecutionContext } from 'ava';
import { withLimit } from './assertions.js';
import { rawFrom } from './loopback-peers.js';
import { devCertificates } from './tls.js';

/** The 12 bytes that open a version 2 header. */
export const V2_SIGNATURE = Buffer.from('\r\n\r\n\0\r\nQUIT\n', 'latin1');

/** A version 1 header: `PROXY TCP4|TCP6 src dst sport dport\r\n`. */
export function v1(source: string, sourcePort: number, destination: string, destinationPort: number): Buffer {
  const protocol = isIPv4(source) ? 'TCP4' : 'TCP6';
  return Buffer.from(`PROXY ${protocol} ${source} ${destination} ${sourcePort} ${destinationPort}\r\n`, 'latin1');
}

/** The 4 or 16 bytes of an IPv4 or IPv6 address (an IPv6 one may end in an IPv4 address, `::ffff:1.2.3.4`). */
export function addressBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  const lastColon = address.lastIndexOf(':');
  const last = address.slice(lastColon + 1);
  if (isIPv4(last)) {
    // The IPv4 tail as two hex groups.
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    return addressBytes(`${address.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  }
  const [head = '', tail] = address.split('::');
  const groups = (part: string | undefined): number[] => (part === undefined || part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, 2 * i));
  return bytes;
}

/**
 * A version 2 PROXY command for a TCP connection from `source` (IPv4 or IPv6, as text or as its
 * 4 or 16 bytes), with optional TLVs after the addresses.
 */
export function v2(source: string | Buffer, sourcePort: number, destination: string | Buffer, destinationPort: number, tlvs: Buffer = Buffer.alloc(0)): Buffer {
  const from = typeof source === 'string' ? addressBytes(source) : source;
  const to = typeof destination === 'string' ? addressBytes(destination) : destination;
  if (from.length !== to.length) throw new Error('v2: both addresses are of one family');
  const family = from.length === 4 ? 0x11 : 0x21;
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(sourcePort, 0);
  ports.writeUInt16BE(destinationPort, 2);
  const body = Buffer.concat([from, to, ports, tlvs]);
  return v2Raw(0x21, family, body);
}

/** A version 2 LOCAL command (a proxy's own connection, such as its health check): no addresses. */
export function v2Local(): Buffer {
  return v2Raw(0x20, 0x00, Buffer.alloc(0));
}

/** A version 2 header with the given version/command and family/transport bytes around `body`. */
export function v2Raw(versionCommand: number, familyTransport: number, body: Buffer, length = body.length): Buffer {
  const fixed = Buffer.from([versionCommand, familyTransport, length >> 8, length & 0xff]);
  return Buffer.concat([V2_SIGNATURE, fixed, body]);
}

/** One TLV: type, 2-byte length, value. */
export function tlv(type: number, value: Buffer): Buffer {
  const head = Buffer.from([type, value.length >> 8, value.length & 0xff]);
  return Buffer.concat([head, value]);
}

/**
 * A raw TCP connection to 127.0.0.1:port from `localAddress` (default 127.0.0.1), as a proxy
 * makes it, with Nagle off so each write goes out as it is written; destroyed when the test ends.
 */
export function proxyConnection(t: ExecutionContext, port: number, localAddress = '127.0.0.1'): Promise<NetSocket> {
  return rawFrom(t, port, localAddress, { allowHalfOpen: false, noDelay: true });
}

/** Writes `pieces` one by one, each as its own write, letting the event loop turn between them. */
export async function writePieces(socket: NetSocket, pieces: readonly Buffer[]): Promise<void> {
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A TLS client (trusting the development CA) whose connection opens with `header`, as a proxy in
 * TCP mode sends it: the header goes out in the same write as the ClientHello, so they share a
 * packet (or, with `split`, the header is written in that many pieces first and its last piece
 * goes with the ClientHello). Resolves once the handshake is done.
 */
export async function proxiedTls(t: ExecutionContext, port: number, header: Buffer, split = 1, localAddress = '127.0.0.1'): Promise<TLSSocket> {
  const raw = await proxyConnection(t, port, localAddress);
  const step = Math.ceil(header.length / split);
  const lead: Buffer[] = [];
  for (let at = 0; at + step < header.length; at += step) lead.push(header.subarray(at, at + step));
  await writePieces(raw, lead);
  let pending: Buffer | undefined = header.subarray(lead.length * step);
  // The TLS client writes through this stream; its first write (the ClientHello) carries what is
  // left of the header with it.
  const transport = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      const bytes = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      pending = undefined;
      raw.write(bytes, done);
    },
    final(done) {
      raw.end(done);
    },
    destroy(err, done) {
      raw.destroy();
      done(err);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    if (!transport.push(chunk)) raw.pause();
  });
  raw.on('end', () => transport.push(null));
  raw.on('close', () => transport.destroy());
  const client = tlsConnect({ socket: transport, servername: 'localhost', ca: devCertificates().ca.cert });
  client.on('error', () => undefined); // judged by the tests: a refused connection fails its handshake
  t.teardown(() => client.destroy());
  await withLimit(once(client, 'secureConnect'), 10_000, 'no handshake through the proxy header');
  return client;
}
