import type { Server, Socket as NetSocket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  HANDSHAKE_LIMIT,
  HANDSHAKE_PEER_LIMIT,
  HANDSHAKE_PEER_RATE,
  SKT$INFO_PEER_HANDSHAKE_RATE,
  SKT$INFO_PEER_HANDSHAKES,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SKT$INFO_TLS_HANDSHAKING,
  SKT$INFO_TYPE_INCOMING,
} from './constants.js';
import { PeerRate, PeerShare, peerKey } from './peer-share.js';
import { SecureStreamSocket } from './secure-stream-socket.js';
import type { ProxySettings } from './proxy-trust.js';
import type { Endpoints } from './stream-socket.js';
import { TcpServerSocket } from './tcp-server-socket.js';
import type { TlsContext } from './tls-context.js';
import { checkLimit } from './validation.js';
import { serverHandshake, type HandshakeOutcome } from './tls-handshake.js';
import type { SecureServerSocket as SecureServerSocketType } from '../types/socket.js';

/**
 * A listening socket whose connections speak TLS. It owns no TLS state: each accepted
 * connection is wrapped in a TLSSocket with the context's material of that moment, and its
 * handshake runs in the background with the context's timeout. Only completed handshakes reach
 * the accept queue, so a stalled or hostile client never delays anyone else's accept; failures
 * and timeouts are counted for socketInfo.
 */
export class SecureServerSocket extends TcpServerSocket implements SecureServerSocketType {
  override readonly secure = true as const;
  readonly context: TlsContext;
  /** Connections whose handshake runs now, so close() can end them. */
  private readonly inFlight = new Set<NetSocket>();
  /** Handshakes running now, per peer (address, or IPv6 /64). */
  private readonly handshakes = new PeerShare();
  /** Handshakes one peer may run at once (SKT$INFO_PEER_HANDSHAKES); 0: no limit. */
  private peerHandshakes = HANDSHAKE_PEER_LIMIT;
  /** Handshakes started per peer: a burst, then SKT$INFO_PEER_HANDSHAKE_RATE a second; none: no limit. */
  private handshakeRate: PeerRate | undefined = new PeerRate(HANDSHAKE_PEER_LIMIT, HANDSHAKE_PEER_RATE);
  private failures = 0;
  private timeouts = 0;

  constructor(server: Server, blocking: boolean, context: TlsContext, proxy?: ProxySettings) {
    super(server, blocking, proxy);
    this.context = context;
  }

  protected override admit(raw: NetSocket, endpoints: Endpoints, headerLength: number): void {
    // The client's address: behind a proxy, the one its PROXY header names, never the proxy's,
    // which carries every client.
    const peer = peerKey(endpoints.remoteAddress);
    // One peer gets a share of the handshake slots, never all of them: connections that stall
    // from one address cannot keep everybody else out. And a share of the CPU: past a burst, a
    // peer starts only so many handshakes a second.
    if (
      this.closed ||
      this.inFlight.size >= HANDSHAKE_LIMIT ||
      (this.peerHandshakes > 0 && this.handshakes.held(peer) >= this.peerHandshakes) ||
      (this.handshakeRate !== undefined && !this.handshakeRate.take(peer))
    ) {
      this.countDropped();
      raw.destroy();
      return;
    }
    this.inFlight.add(raw);
    this.handshakes.take(peer);
    serverHandshake(
      raw,
      this.context,
      (tls) => this.onSecure(tls, raw, peer, endpoints),
      (outcome) => this.onFailed(outcome, raw, peer),
      headerLength,
    );
  }

  private readonly onSecure = (tls: TLSSocket, raw: NetSocket, peer: string, endpoints: Endpoints): void => {
    this.inFlight.delete(raw);
    this.handshakes.release(peer);
    const skt = new SecureStreamSocket(tls, SKT$INFO_TYPE_INCOMING, this.blocking, this.context, { endpoints });
    this.applyModes(skt);
    this.offer(skt);
  };

  private readonly onFailed = (outcome: HandshakeOutcome, raw: NetSocket, peer: string): void => {
    this.inFlight.delete(raw);
    this.handshakes.release(peer);
    if (this.closed) return; // cut off by close(), not the client's fault
    if (outcome === 'timeout') this.timeouts++;
    else this.failures++;
  };

  /** Stops listening and ends the handshakes still running; accepted sockets stay open. */
  override async close(): Promise<void> {
    await super.close();
    for (const raw of [...this.inFlight]) raw.destroy();
  }

  override info(key: number): unknown {
    switch (key) {
      case SKT$INFO_TLS_HANDSHAKE_FAILURES:
        return this.failures;
      case SKT$INFO_TLS_HANDSHAKE_TIMEOUTS:
        return this.timeouts;
      case SKT$INFO_TLS_HANDSHAKING:
        return this.inFlight.size;
      case SKT$INFO_PEER_HANDSHAKES:
        return this.peerHandshakes;
      case SKT$INFO_PEER_HANDSHAKE_RATE:
        return this.handshakeRate?.perSecond ?? 0;
      default:
        return super.info(key);
    }
  }

  override setMode(key: number, value: unknown): void {
    if (key !== SKT$INFO_PEER_HANDSHAKES && key !== SKT$INFO_PEER_HANDSHAKE_RATE) {
      super.setMode(key, value);
      return;
    }
    const limit = checkLimit(value, key === SKT$INFO_PEER_HANDSHAKES ? 'peer handshakes' : 'peer handshake rate');
    const rate = key === SKT$INFO_PEER_HANDSHAKE_RATE ? limit : (this.handshakeRate?.perSecond ?? 0);
    if (key === SKT$INFO_PEER_HANDSHAKES) this.peerHandshakes = limit;
    // The burst is the limit at once (or its default when that is off); peers start afresh.
    this.handshakeRate = rate === 0 ? undefined : new PeerRate(this.peerHandshakes || HANDSHAKE_PEER_LIMIT, rate);
  }
}
