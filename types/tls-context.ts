/**
 * Options of {@link createTlsContext} and {@link TlsContext.reload}. The names are node:tls's.
 * Certificate and key values are PEM text or the path of a PEM file.
 *
 * @example
 * ```ts
 * const options: TlsContextOptions = { cert: 'site.crt', key: 'site.key', ALPNProtocols: ['http/1.1'] };
 * ```
 *
 * @summary Options of {@link createTlsContext} and {@link TlsContext.reload}.
 * @group TLS context
 */
export interface TlsContextOptions {
  /** The certificate chain (PEM text or file path), leaf first. */
  readonly cert?: string | Buffer;
  /** The private key of `cert` (PEM text or file path). */
  readonly key?: string | Buffer;
  /** Passphrase of an encrypted `key` or of `pfx`. */
  readonly passphrase?: string;
  /**
   * A PKCS#12 bundle (`.pfx`/`.p12`) holding the certificate chain and key, of any key type (RSA,
   * ECDSA, Ed25519): its bytes or its path. It replaces `cert` and `key` (giving both is a
   * TypeError); `passphrase` is its password (none: the empty password).
   */
  readonly pfx?: string | Buffer;
  /**
   * CAs to trust (PEM text or file path, or several): a client checks the server against them
   * instead of the system store; a server checks client certificates against them (required
   * with `requestCert`: a server never falls back to the system store for client certificates).
   */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Lowest TLS version. Default `'TLSv1.2'`. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Highest TLS version. Default `'TLSv1.3'`. */
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** TLS 1.2 cipher list (OpenSSL syntax). Default: AEAD suites with forward secrecy only. */
  readonly ciphers?: string;
  /** ALPN protocols offered (client) or accepted (server), in order of preference. */
  readonly ALPNProtocols?: readonly string[];
  /**
   * Server: ask clients for a certificate and refuse those without one issued by `ca`. Default
   * `false`. Needs `ca`: without it, OpenSSL would accept a certificate from any public CA, so
   * `createTlsContext` and `reload` refuse it with `ER$TLS_NO_CA`.
   */
  readonly requestCert?: boolean;
  /**
   * Client: verify the server's certificate chain and host name. Default `true`. Setting it to
   * `false` is UNSAFE: anyone on the path can read and change the traffic.
   */
  readonly rejectUnauthorized?: boolean;
  /** 48 bytes of session ticket keys; share them so several servers resume each other's sessions. */
  readonly ticketKeys?: Buffer;
  /**
   * Server: seconds a session it makes can be resumed (also the lifetime its TLS 1.3 tickets
   * announce). Default: OpenSSL's, 7200 (2 hours).
   */
  readonly sessionTimeout?: number;
  /** More certificates chosen by the SNI name the client sends: host name -> cert/key. */
  readonly sni?: Readonly<
    Record<
      string,
      {
        /** The certificate chain for this host name (PEM text or file path), leaf first. */
        readonly cert: string | Buffer;
        /** The private key of `cert` (PEM text or file path). */
        readonly key: string | Buffer;
        /** Passphrase of an encrypted `key`. */
        readonly passphrase?: string;
      }
    >
  >;
  /**
   * Milliseconds a TLS handshake may take, on either side, before the connection is closed.
   * Default 10000; 0 means no limit (unwise for a server: stalled clients would stay). On a
   * server, a connection that sends no byte at all is closed after 3000 ms when this is longer
   * or 0.
   */
  readonly handshakeTimeout?: number;
}

/**
 * A description of a certificate, as {@link TlsContext.describe} returns it.
 *
 * @example
 * ```ts
 * const { subject, validTo, fingerprint256 }: CertificateDescription = context.describe();
 * ```
 *
 * @group TLS context
 */
export interface CertificateDescription {
  /** Subject distinguished name, one `name=value` per line as OpenSSL prints it. */
  readonly subject: string;
  /** DNS names and IP addresses the certificate is for. */
  readonly names: readonly string[];
  /** Issuer distinguished name. */
  readonly issuer: string;
  /** Start of validity. */
  readonly validFrom: Date;
  /** End of validity. */
  readonly validTo: Date;
  /** SHA-256 fingerprint, colon-separated hex as OpenSSL prints it. */
  readonly fingerprint256: string;
}
