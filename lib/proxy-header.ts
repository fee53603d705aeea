// The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2): a pure parser of the
// bytes a proxy sends at the start of a connection, telling who its client is.
import { isIPv4, isIPv6 } from 'node:net';

/** The 12 bytes that open a version 2 header. */
export const PROXY_V2_SIGNATURE = Buffer.from('\r\n\r\n\0\r\nQUIT\n', 'latin1');
/** The 6 bytes that open a version 1 header. */
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
/** The longest version 1 line, CRLF included (the specification's own bound). */
export const PROXY_V1_MAX = 107;
/** A version 2 header's fixed part: signature, version and command, family, length. */
const V2_FIXED = 16;
/** The largest address block (two UNIX socket paths of 108 bytes). */
const V2_ADDRESSES_MAX = 216;
/**
 * The TLV bytes a version 2 header may carry after its addresses. HAProxy sends a few dozen
 * (ALPN, authority, a unique id, SSL details); 4 KiB leaves room for all of them while keeping
 * what one connection can make the server hold before it is served small.
 */
export const PROXY_V2_TLV_MAX = 4096;
/** The longest version 2 header accepted. */
export const PROXY_V2_MAX = V2_FIXED + V2_ADDRESSES_MAX + PROXY_V2_TLV_MAX;

/** Why a header was refused. */
export type ProxyHeaderProblem = 'missing' | 'malformed' | 'oversized';

/** An address and port the header names. */
export interface ProxyEndpoint {
  readonly address: string;
  readonly port: number;
}

/** What the bytes received so far make of a PROXY header. */
export type ProxyHeaderResult =
  /** Not yet a whole header, but a possible start of one: wait for more bytes. */
  | { readonly state: 'incomplete' }
  /** Not a PROXY header, or a broken one: the connection is refused. */
  | { readonly state: 'refused'; readonly problem: ProxyHeaderProblem; readonly detail: string }
  /**
   * A whole header of `length` bytes; the bytes after it are the client's. `source` and
   * `destination` are undefined when the header names no addresses (a v1 `UNKNOWN`, a v2
   * `LOCAL` command such as a proxy's health check, a v2 unspecified or UNIX family): then the
   * connection stands for itself.
   */
  | {
      readonly state: 'complete';
      readonly version: 1 | 2;
      readonly length: number;
      readonly source: ProxyEndpoint | undefined;
      readonly destination: ProxyEndpoint | undefined;
    };

const INCOMPLETE: ProxyHeaderResult = Object.freeze({ state: 'incomplete' });

const refused = (problem: ProxyHeaderProblem, detail: string): ProxyHeaderResult => ({ state: 'refused', problem, detail });

/**
 * Parses the start of a connection as a PROXY header, version 1 or 2, told apart by their first
 * bytes. Pure: the same bytes always give the same answer, and more bytes never turn a refusal
 * into anything else. The parser never looks past the header's own length.
 *
 * @param bytes - every byte received on the connection so far
 */
export function parseProxyHeader(bytes: Uint8Array): ProxyHeaderResult {
  if (bytes.length === 0) return INCOMPLETE;
  if (startsLike(bytes, PROXY_V2_SIGNATURE)) return bytes.length < PROXY_V2_SIGNATURE.length ? INCOMPLETE : parseV2(bytes);
  if (startsLike(bytes, V1_PREFIX)) return bytes.length < V1_PREFIX.length ? INCOMPLETE : parseV1(bytes);
  return refused('missing', 'the connection does not start with a PROXY header');
}

/** Do the first bytes agree with `prefix` as far as both go? */
function startsLike(bytes: Uint8Array, prefix: Buffer): boolean {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** A decimal port as version 1 writes it: no sign, no leading zero. */
const V1_PORT = /^(?:0|[1-9]\d{0,4})$/;

function parseV1(bytes: Uint8Array): ProxyHeaderResult {
  const limit = Math.min(bytes.length, PROXY_V1_MAX);
  let end = -1;
  for (let i = V1_PREFIX.length; i < limit; i++) {
    const byte = bytes[i] as number;
    if (byte === 0x0d) {
      if (i + 2 > PROXY_V1_MAX) return refused('oversized', 'the v1 header is longer than 107 bytes');
      if (i + 1 >= bytes.length) return INCOMPLETE;
      if (bytes[i + 1] !== 0x0a) return refused('malformed', 'a CR not followed by LF in the v1 header');
      end = i;
      break;
    }
    // Printable ASCII only: a header is written by a proxy, never by a person or in UTF-8.
    if (byte < 0x20 || byte > 0x7e) return refused('malformed', `byte 0x${byte.toString(16).padStart(2, '0')} in the v1 header`);
  }
  if (end < 0) return bytes.length >= PROXY_V1_MAX ? refused('oversized', 'the v1 header is longer than 107 bytes') : INCOMPLETE;
  const line = Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('latin1');
  const length = end + 2;
  const fields = line.split(' ');
  const protocol = fields[1];
  // UNKNOWN: the proxy could not tell (or will not); whatever follows on the line is ignored.
  if (protocol === 'UNKNOWN') return { state: 'complete', version: 1, length, source: undefined, destination: undefined };
  if (protocol !== 'TCP4' && protocol !== 'TCP6') return refused('malformed', `unknown v1 protocol ${JSON.stringify(protocol ?? '')}`);
  if (fields.length !== 6) return refused('malformed', 'a v1 TCP header has exactly four fields after the protocol, one space apart');
  const [, , sourceAddress = '', destinationAddress = '', sourcePort = '', destinationPort = ''] = fields;
  const isAddress = protocol === 'TCP4' ? isIPv4 : isIPv6;
  if (!isAddress(sourceAddress) || !isAddress(destinationAddress) || sourceAddress.includes('%') || destinationAddress.includes('%')) {
    return refused('malformed', `a v1 ${protocol} header with an address that is not ${protocol === 'TCP4' ? 'IPv4' : 'IPv6'}`);
  }
  const from = v1Port(sourcePort);
  const to = v1Port(destinationPort);
  if (from === undefined || to === undefined) return refused('malformed', 'a v1 header with a port that is not 0 to 65535');
  return {
    state: 'complete',
    version: 1,
    length,
    source: { address: canonicalAddress(sourceAddress), port: from },
    destination: { address: canonicalAddress(destinationAddress), port: to },
  };
}

/** A version 1 port field's number, or undefined when it is not one (or past 65535). */
function v1Port(field: string): number | undefined {
  if (!V1_PORT.test(field)) return undefined;
  const port = Number(field);
  return port <= 65535 ? port : undefined;
}

const COMMAND_LOCAL = 0x0;
const COMMAND_PROXY = 0x1;
const FAMILY_UNSPEC = 0x0;
const FAMILY_INET = 0x1;
const FAMILY_INET6 = 0x2;
const FAMILY_UNIX = 0x3;
const TRANSPORT_UNSPEC = 0x0;
const TRANSPORT_STREAM = 0x1;

function parseV2(bytes: Uint8Array): ProxyHeaderResult {
  const versionCommand = bytes[12];
  if (versionCommand === undefined) return INCOMPLETE;
  if (versionCommand >> 4 !== 2) return refused('malformed', `v2 header of version ${versionCommand >> 4}`);
  const command = versionCommand & 0x0f;
  if (command !== COMMAND_LOCAL && command !== COMMAND_PROXY) return refused('malformed', `v2 header with command ${command}`);
  const familyTransport = bytes[13];
  if (familyTransport === undefined) return INCOMPLETE;
  const family = familyTransport >> 4;
  const transport = familyTransport & 0x0f;
  if (bytes.length < V2_FIXED) return INCOMPLETE;
  const rest = ((bytes[14] as number) << 8) | (bytes[15] as number);
  const length = V2_FIXED + rest;
  if (length > PROXY_V2_MAX) return refused('oversized', `a v2 header of ${length} bytes (at most ${PROXY_V2_MAX})`);
  const needed = addressBlockLength(command, family, transport);
  if (needed === undefined) return refused('malformed', `v2 header with family and transport 0x${familyTransport.toString(16).padStart(2, '0')}`);
  if (rest < needed) return refused('malformed', `a v2 header whose length (${rest}) cannot hold its addresses (${needed})`);
  if (bytes.length < length) return INCOMPLETE;
  // LOCAL (a proxy's own connection, its health checks) and families without IP addresses:
  // the addresses, if any, are not the client's. TLVs after the addresses are skipped.
  if (command === COMMAND_LOCAL || family === FAMILY_UNSPEC || family === FAMILY_UNIX) {
    return { state: 'complete', version: 2, length, source: undefined, destination: undefined };
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + V2_FIXED, needed);
  const size = family === FAMILY_INET ? 4 : 16;
  const format = family === FAMILY_INET ? formatIPv4 : formatIPv6;
  return {
    state: 'complete',
    version: 2,
    length,
    source: { address: format(view.subarray(0, size)), port: view.readUInt16BE(2 * size) },
    destination: { address: format(view.subarray(size, 2 * size)), port: view.readUInt16BE(2 * size + 2) },
  };
}

/**
 * The bytes of addresses a v2 header must carry, or undefined for a combination a stream
 * connection cannot come with (datagrams, unknown families or transports).
 */
function addressBlockLength(command: number, family: number, transport: number): number | undefined {
  // A LOCAL header's family is to be ignored, whatever it says.
  if (command === COMMAND_LOCAL) return 0;
  if (family === FAMILY_UNSPEC && transport === TRANSPORT_UNSPEC) return 0;
  if (transport !== TRANSPORT_STREAM) return undefined;
  if (family === FAMILY_INET) return 12;
  if (family === FAMILY_INET6) return 36;
  if (family === FAMILY_UNIX) return V2_ADDRESSES_MAX;
  return undefined;
}

function formatIPv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** The 16 bytes of an IPv6 address in its canonical text. */
function formatIPv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return canonicalIPv6(groups.join(':'));
}

/** An IPv4-mapped IPv6 address as the URL standard writes it (`::ffff:102:304`). */
const MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * A valid IPv6 address in its canonical text: lower case, the longest run of zero groups
 * shortened to `::` (RFC 5952, which the URL standard's serializer follows), and an IPv4-mapped
 * address as Node writes a peer's (`::ffff:a.b.c.d`), so one client has one text whatever
 * version of the header named it, and per-address counts see one address.
 */
function canonicalIPv6(address: string): string {
  const text = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = MAPPED_HEX.exec(text);
  if (mapped === null) return text;
  const high = Number.parseInt(mapped[1] as string, 16);
  const low = Number.parseInt(mapped[2] as string, 16);
  return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** A version 1 address written the way version 2's are. */
function canonicalAddress(address: string): string {
  return isIPv4(address) ? address : canonicalIPv6(address);
}
