import type { Server, Socket as NetSocket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  HANDSHAKE_LIMIT,
  SKT$INFO_TLS_HANDSHAKE_FAILURES,
  SKT$INFO_TLS_HANDSHAKE_TIMEOUTS,
  SKT$INFO_TLS_HANDSHAKING,
  SKT$INFO_TYPE_INCOMING,
} from './constants.js';
import { SecureStreamSocket } from './secure-stream-socket.js';
import { TcpServerSocket } from './tcp-server-socket.js';
import type { TlsContext } from './tls-context.js';
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
  private handshaking = 0;
  private failures = 0;
  private timeouts = 0;

  constructor(server: Server, blocking: boolean, context: TlsContext) {
    super(server, blocking);
    this.context = context;
  }

  protected override admit(raw: NetSocket): void {
    if (this.closed || this.handshaking >= HANDSHAKE_LIMIT) {
      this.countDropped();
      raw.destroy();
      return;
    }
    this.handshaking++;
    serverHandshake(raw, this.context, this.onSecure, this.onFailed);
  }

  private readonly onSecure = (tls: TLSSocket): void => {
    this.handshaking--;
    const sni = typeof tls.servername === 'string' ? tls.servername : '';
    const skt = new SecureStreamSocket(tls, SKT$INFO_TYPE_INCOMING, this.blocking, this.context, sni);
    this.applyModes(skt);
    this.offer(skt);
  };

  private readonly onFailed = (outcome: HandshakeOutcome): void => {
    this.handshaking--;
    if (outcome === 'timeout') this.timeouts++;
    else this.failures++;
  };

  override info(key: number): unknown {
    switch (key) {
      case SKT$INFO_TLS_HANDSHAKE_FAILURES:
        return this.failures;
      case SKT$INFO_TLS_HANDSHAKE_TIMEOUTS:
        return this.timeouts;
      case SKT$INFO_TLS_HANDSHAKING:
        return this.handshaking;
      default:
        return super.info(key);
    }
  }
}
