import { isIPv6 } from 'node:net';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The key under which a peer's connections are counted against a per-peer limit: its IPv4
 * address, or for IPv6 its /64 prefix. One IPv6 host is usually given a whole /64 and can pick
 * any address in it, so counting IPv6 addresses one by one would be no limit at all. An IPv4
 * address seen through a dual-stack listener (`::ffff:a.b.c.d`) counts as that IPv4 address.
 */
export function peerKey(address: string): string {
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped !== null) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  const bare = address.replace(/%.*$/, ''); // a zone (fe80::1%eth0) is not part of the address
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** How many connections each peer holds in some state, for a limit per peer. */
export class PeerShare {
  readonly #held = new Map<string, number>();

  /** Connections `key` holds now. */
  held(key: string): number {
    return this.#held.get(key) ?? 0;
  }

  take(key: string): void {
    this.#held.set(key, this.held(key) + 1);
  }

  /** Gives one back; a peer holding none is forgotten, so the map never outgrows the connections. */
  release(key: string): void {
    const left = this.held(key) - 1;
    if (left > 0) this.#held.set(key, left);
    else this.#held.delete(key);
  }
}

/** Peers remembered before PeerRate forgets those whose bucket has refilled (then twice the peers left). */
const FIRST_SWEEP = 1024;

/**
 * A rate per peer: a bucket of `burst` tokens, refilled at `perSecond` tokens a second, one
 * taken for each event let through. A peer whose bucket has refilled is as one never seen, so it
 * is forgotten when the map grows: the map holds about the peers of the last few seconds.
 */
export class PeerRate {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #sweepAt = FIRST_SWEEP;

  constructor(
    readonly burst: number,
    readonly perSecond: number,
  ) {}

  /** Takes one of `key`'s tokens: false (and nothing taken) when it has none left. */
  take(key: string, now = performance.now()): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#sweepAt) this.sweep(now);
      bucket = { tokens: this.burst, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = this.refilled(bucket, now);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens--;
    return true;
  }

  private refilled(bucket: { tokens: number; at: number }, now: number): number {
    return Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perSecond) / 1000);
  }

  /** Forgets the peers whose bucket is full again. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) if (this.refilled(bucket, now) >= this.burst) this.#buckets.delete(key);
    this.#sweepAt = Math.max(FIRST_SWEEP, 2 * this.#buckets.size);
  }
}
