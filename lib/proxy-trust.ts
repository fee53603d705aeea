// The options of a server socket that expects PROXY headers: checked once, when it is created.
import { BlockList, isIP } from 'node:net';
import { PROXY_HEADER_TIMEOUT } from './constants.js';
import { describe } from './validation.js';
import type { ServerSocketOptions } from '../types/server-options.js';

/** A server socket's PROXY protocol settings, checked. */
export interface ProxySettings {
  /** Is a connection from `address` (as Node gives a peer's) from a trusted proxy? */
  trusts(address: string): boolean;
  /** Milliseconds a connection has to send its header. */
  readonly headerTimeout: number;
}

/** A trusted entry: an address, or an address and a prefix length. */
const ENTRY = /^([^/]+)(?:\/(\d{1,3}))?$/;

/**
 * Checks the options argument of the server socket functions.
 *
 * @returns the PROXY protocol settings, or undefined when none are asked for
 * @throws TypeError for options of the wrong shape, an entry of `trusted` that is not an
 *   address or CIDR range, or a `headerTimeout` that is not a positive number of milliseconds
 */
export function checkServerOptions(options: unknown, op: string): ProxySettings | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${describe(options)}`);
  const { proxyProtocol } = options as ServerSocketOptions;
  if (proxyProtocol === undefined) return undefined;
  if (typeof proxyProtocol !== 'object' || proxyProtocol === null) {
    throw new TypeError(`${op}: options.proxyProtocol must be an object, got ${describe(proxyProtocol)}`);
  }
  const { trusted, headerTimeout = PROXY_HEADER_TIMEOUT } = proxyProtocol;
  if (!Array.isArray(trusted)) throw new TypeError(`${op}: options.proxyProtocol.trusted must be an array of addresses or CIDR ranges, got ${describe(trusted)}`);
  if (typeof headerTimeout !== 'number' || !Number.isFinite(headerTimeout) || headerTimeout <= 0) {
    throw new TypeError(`${op}: options.proxyProtocol.headerTimeout must be a number of milliseconds > 0, got ${describe(headerTimeout)}`);
  }
  const ranges = new BlockList();
  for (const entry of trusted as unknown[]) addTrusted(ranges, entry, op);
  return { trusts: (address) => trustedBy(ranges, address), headerTimeout };
}

function addTrusted(ranges: BlockList, entry: unknown, op: string): void {
  const bad = (): TypeError =>
    new TypeError(`${op}: options.proxyProtocol.trusted holds ${describe(entry)}, not an IPv4 or IPv6 address or CIDR range (e.g. '10.0.0.0/8', '::1')`);
  if (typeof entry !== 'string') throw bad();
  const match = ENTRY.exec(entry);
  const address = match?.[1] ?? '';
  const version = isIP(address);
  // A zone (fe80::1%eth0) names an interface, not a peer: no header is believed by interface.
  if (version === 0 || address.includes('%')) throw bad();
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const prefix = match?.[2];
  if (prefix === undefined) {
    ranges.addAddress(address, family);
    return;
  }
  if (Number(prefix) > (version === 4 ? 32 : 128) || (prefix.length > 1 && prefix.startsWith('0'))) throw bad();
  ranges.addSubnet(address, Number(prefix), family);
}

/** An IPv4 peer of a dual-stack listener is matched as the IPv4 address it is. */
function trustedBy(ranges: BlockList, address: string): boolean {
  const version = isIP(address);
  if (version === 0) return false;
  return ranges.check(address, version === 4 ? 'ipv4' : 'ipv6');
}
