import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import {
  SKT$INFO_TLS_ALPN,
  SKT$INFO_TLS_CIPHER,
  SKT$INFO_TLS_PEER_CERT,
  SKT$INFO_TLS_PEER_SUBJECT,
  SKT$INFO_TLS_PROTOCOL,
  SKT$INFO_TLS_RESUMED,
  SKT$INFO_TLS_SNI,
} from './constants.js';
import type { DirectReader } from './direct-reader.js';
import { StreamSocket, type Endpoints } from './stream-socket.js';
import { describeCertificate, type TlsContext } from './tls-context.js';
import { handOver } from './tls-handshake.js';
import type { SecureSocket } from '../types/socket.js';
import type { CertificateDescription } from '../types/tls-context.js';

/** What the maker of a secure socket knows better than its TLSSocket can tell. */
export interface SecureSocketFacts {
  /** The name a client sent; omitted on the server side, which reads what it got. */
  readonly sni?: string;
  /** The peer's certificate when the caller knows it (a resumed client session carries none). */
  readonly peer?: CertificateDescription;
  /** Where the plaintext comes from when tls.connect made the connection. */
  readonly reader?: DirectReader;
  /** Both ends as taken when the TCP connection was accepted or connected. */
  readonly endpoints?: Endpoints;
}

/**
 * A connected socket that speaks TLS. Reading, writing and closing are the plain socket's (the
 * TLSSocket is a net.Socket); this adds the TLS facts to socketInfo. It keeps a reference to its
 * TlsContext and nothing else: the server socket that accepted it can go away.
 */
export class SecureStreamSocket extends StreamSocket implements SecureSocket {
  override readonly secure = true as const;
  readonly context: TlsContext;
  /** The TLS facts, read once at the handshake so socketInfo answers after a close too. */
  private readonly facts: {
    readonly protocol: string;
    readonly cipher: string;
    readonly sni: string;
    readonly resumed: boolean;
    readonly alpn: string;
    readonly peer: CertificateDescription | undefined;
  };

  constructor(tls: TLSSocket, type: 2 | 3, blocking: boolean, context: TlsContext, known: SecureSocketFacts = {}) {
    const { sni, peer, reader, endpoints } = known;
    super(tls, type, blocking, reader, endpoints);
    handOver(tls);
    this.context = context;
    const cert = peer === undefined ? tls.getPeerX509Certificate() : undefined;
    this.facts = {
      protocol: tls.getProtocol() ?? '',
      cipher: tls.getCipher()?.standardName ?? '',
      sni: sni ?? (typeof tls.servername === 'string' ? tls.servername : ''),
      resumed: tls.isSessionReused(),
      alpn: tls.alpnProtocol || '',
      peer: peer ?? (cert instanceof X509Certificate ? describeCertificate(cert) : undefined),
    };
  }

  override info(key: number): unknown {
    switch (key) {
      case SKT$INFO_TLS_PROTOCOL:
        return this.facts.protocol;
      case SKT$INFO_TLS_CIPHER:
        return this.facts.cipher;
      case SKT$INFO_TLS_PEER_SUBJECT:
        return this.facts.peer?.subject ?? '';
      case SKT$INFO_TLS_PEER_CERT:
        return this.facts.peer;
      case SKT$INFO_TLS_SNI:
        return this.facts.sni;
      case SKT$INFO_TLS_RESUMED:
        return this.facts.resumed;
      case SKT$INFO_TLS_ALPN:
        return this.facts.alpn;
      default:
        return super.info(key);
    }
  }
}
