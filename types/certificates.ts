/**
 * A certificate with its private key, both PEM text.
 *
 * @example
 * ```ts
 * const { cert, key }: CertificateAndKey = createDevelopmentCertificates().server;
 * ```
 *
 * @group Certificates
 */
export interface CertificateAndKey {
  /** The certificate, PEM. */
  readonly cert: string;
  /** Its private key (RSA 2048, unencrypted, PKCS#1 `RSA PRIVATE KEY`), PEM. */
  readonly key: string;
}

/**
 * What {@link createDevelopmentCertificates} makes: a local certificate authority and a
 * certificate it signed.
 *
 * @example
 * ```ts
 * const dev: DevelopmentCertificates = createDevelopmentCertificates({ hosts: ['localhost'] });
 * writeFileSync('dev-ca.pem', dev.ca.cert); // trust this file in a browser or with curl --cacert
 * ```
 *
 * @group Certificates
 */
export interface DevelopmentCertificates {
  /** The local CA; trust `ca.cert` in clients. Keep `ca.key` to issue more certificates. */
  readonly ca: CertificateAndKey;
  /** The certificate for the hosts asked for, signed by `ca`. */
  readonly server: CertificateAndKey;
}

/**
 * Options of {@link createDevelopmentCertificates} and {@link issueCertificate}.
 *
 * @example
 * ```ts
 * const options: CertificateOptions = { hosts: ['blog.test', '127.0.0.1'], days: 30 };
 * ```
 *
 * @group Certificates
 */
export interface CertificateOptions {
  /** Host names and IP addresses the certificate is for. Default `['localhost', '127.0.0.1', '::1']`. */
  readonly hosts?: readonly string[];
  /** The subject's common name. Default: the first host. */
  readonly commonName?: string;
  /** Start of validity. Default: one hour ago (so clocks a little behind still accept it). */
  readonly notBefore?: Date;
  /** Days of validity from `notBefore`. Default 825 (what browsers accept for a server). */
  readonly days?: number;
  /** Make a client certificate (extended key usage clientAuth) instead of a server one. Default `false`. */
  readonly client?: boolean;
}

/**
 * Options of {@link createCertificateAuthority}.
 *
 * @example
 * ```ts
 * const options: CertificateAuthorityOptions = { permittedHosts: ['localhost', '127.0.0.1', '::1'] };
 * ```
 *
 * @group Certificates
 */
export interface CertificateAuthorityOptions {
  /**
   * The only host names and IP addresses the CA may sign for, as a critical name constraint: a
   * client that trusts the CA refuses a certificate it signed for any other name (a DNS name
   * permits the names below it too). Default: no constraint.
   */
  readonly permittedHosts?: readonly string[];
}
