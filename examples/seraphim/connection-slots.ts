// SERAPHIM's connection slots: how many connections are open, in all and per client address, so
// that one address cannot take every slot. Written only on the scarlet-sockets facade.

/** A connection as the slots see it. */
export interface SlotHolder {
  /** Waiting for a request (a new connection before its first byte, or an idle keep-alive one). */
  readonly idle: boolean;
  /** Closes it now. */
  close(): Promise<void>;
}

/** Whether a new connection may be served. */
export type Admission = 'admitted' | 'busy';

/**
 * Open connections, in all (`max`) and per client address (`perAddress`). When an address is at
 * its limit, its oldest idle connection is closed to make room for its new one (a browser
 * reconnects an idle keep-alive connection without a word); with none idle, the new one is
 * refused. So one address that opens connections and never sends a request, or sends it byte by
 * byte, holds `perAddress` slots at most, and everyone else finds the rest free.
 */
export class ConnectionSlots<C extends SlotHolder> {
  /** Each address's connections, oldest first (a Set keeps insertion order). */
  readonly #byAddress = new Map<string, Set<C>>();
  #open = 0;

  constructor(
    readonly max: number,
    readonly perAddress: number,
  ) {}

  /** Connections open now. */
  get open(): number {
    return this.#open;
  }

  /** Takes a slot for `connection` from `address`, closing that address's oldest idle connection if it must. */
  admit(address: string, connection: C): Admission {
    const full = this.#byAddress.get(address);
    if (full !== undefined && full.size >= this.perAddress && !this.evictIdle(address, full)) return 'busy';
    if (this.#open >= this.max) return 'busy';
    // Looked up again: giving back the last slot of an address forgets the address.
    let held = this.#byAddress.get(address);
    if (held === undefined) {
      held = new Set();
      this.#byAddress.set(address, held);
    }
    held.add(connection);
    this.#open++;
    return 'admitted';
  }

  /** Gives back the slot of a connection that has ended (nothing if it was already given back). */
  release(address: string, connection: C): void {
    const held = this.#byAddress.get(address);
    if (held === undefined || !held.delete(connection)) return;
    this.#open--;
    if (held.size === 0) this.#byAddress.delete(address);
  }

  /** Closes the oldest idle connection of `address`, its slot given back now; false when none is idle. */
  private evictIdle(address: string, held: Set<C>): boolean {
    for (const connection of held) {
      if (!connection.idle) continue;
      this.release(address, connection);
      void connection.close();
      return true;
    }
    return false;
  }
}
