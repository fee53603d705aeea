/**
 * Status numbers for TLS failures, which ScarletDME has no number for. They sit in the 7100s,
 * above ScarletDME's socket range (7001-7027), so they never collide with it.
 */

/**
 * `ER$TLS.HANDSHAKE`: the TLS handshake failed (protocol version or cipher mismatch, garbage, a
 * reset during it).
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$TLS_HANDSHAKE) console.error('handshake failed:', err.message);
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TLS_HANDSHAKE = 7100;

/**
 * `ER$TLS.UNTRUSTED`: the peer's certificate does not chain to a trusted CA.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$TLS_UNTRUSTED) console.error('untrusted certificate');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TLS_UNTRUSTED = 7101;

/**
 * `ER$TLS.EXPIRED`: the peer's certificate has expired or is not valid yet.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$TLS_EXPIRED) console.error('certificate expired');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TLS_EXPIRED = 7102;

/**
 * `ER$TLS.HOSTNAME`: the server's certificate is not for the host name connected to.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$TLS_HOSTNAME) console.error('certificate is for another host');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TLS_HOSTNAME = 7103;

/**
 * `ER$TLS.KEY.MISMATCH`: the private key does not belong to the certificate.
 *
 * @example
 * ```ts
 * createTlsContext({ cert: 'site.crt', key: 'other.key' }); // throws SocketError ER$TLS_KEY_MISMATCH
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TLS_KEY_MISMATCH = 7104;

/**
 * `ER$TLS.PKCS12.PASSWORD`: wrong password for a PKCS#12 file.
 *
 * @example
 * ```ts
 * createTlsContext({ pfx: 'site.p12', passphrase: 'wrong' }); // throws SocketError ER$TLS_PKCS12_PASSWORD
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TLS_PKCS12_PASSWORD = 7105;

/**
 * `ER$TLS.BAD.CERT`: certificate or key material that cannot be read or used.
 *
 * @example
 * ```ts
 * createTlsContext({ cert: 'missing.crt', key: 'missing.key' }); // throws SocketError ER$TLS_BAD_CERT
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TLS_BAD_CERT = 7106;

/**
 * `ER$TLS.NO.CERT`: a context with no certificate was used to serve TLS.
 *
 * @example
 * ```ts
 * if (err instanceof SocketError && err.status === ER$TLS_NO_CERT) console.error('the context has no certificate');
 * ```
 *
 * @group Statuses (ER$)
 */
export const ER$TLS_NO_CERT = 7107;

/**
 * `ER$TLS.NO.CA`: a context that requires client certificates (`requestCert`) was given no CA
 * to check them against (`ca`). Refused, because OpenSSL would otherwise accept a client
 * certificate from any public CA.
 *
 * @example
 * ```ts
 * createTlsContext({ cert: 'site.crt', key: 'site.key', requestCert: true }); // throws SocketError ER$TLS_NO_CA
 * ```
 *
 * @summary `ER$TLS.NO.CA`: a context that requires client certificates (`requestCert`) was given
 *   no CA to check them against (`ca`).
 * @group Statuses (ER$)
 */
export const ER$TLS_NO_CA = 7108;
