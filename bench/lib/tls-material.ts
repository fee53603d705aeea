/**
 * The one certificate every TLS benchmark uses, on both variants, and how each variant is set
 * up with it. The material is PEM text, so it crosses to a worker thread or a child process.
 *
 * Raw node:tls gets the certificate and `minVersion: 'TLSv1.2'` and otherwise node's defaults;
 * the facade gets `createTlsContext({ cert, key })` (TLS 1.2 minimum, its AEAD cipher list, the
 * server's cipher order). Both negotiate TLS 1.3 with TLS_AES_256_GCM_SHA384 on loopback, with
 * OpenSSL's default key exchange group: each round records the protocol and cipher negotiated,
 * the JSON keeps them, and the run warns loudly when the two variants negotiated differently.
 */
import type { TlsOptions, ConnectionOptions } from 'node:tls';
import { createDevelopmentCertificates, createTlsContext, type TlsContext } from '../../lib/index.js';

export interface TlsMaterial {
  /** The server certificate (RSA 2048, signed by the development CA), PEM. */
  cert: string;
  key: string;
  /** The development CA that clients trust, PEM. */
  ca: string;
}

/** A fresh development CA and server certificate for 127.0.0.1 and localhost. */
export function newTlsMaterial(): TlsMaterial {
  const dev = createDevelopmentCertificates({ hosts: ['127.0.0.1', 'localhost'] });
  return { cert: dev.server.cert, key: dev.server.key, ca: dev.ca.cert };
}

/** What both variants are asked to allow: TLS 1.2 and up, so both negotiate TLS 1.3. */
export const MIN_VERSION = 'TLSv1.2';

/** Options of the raw `tls.createServer`. */
export function rawServerOptions(m: TlsMaterial): TlsOptions {
  return { cert: m.cert, key: m.key, minVersion: MIN_VERSION };
}

/** Options of the raw `tls.connect` (verifies the server against the CA, as the facade does). */
export function rawClientOptions(m: TlsMaterial, host: string, port: number): ConnectionOptions {
  return { host, port, ca: m.ca, minVersion: MIN_VERSION };
}

// One context per certificate and side, per thread: created once, as a real program would.
const serverContexts = new Map<string, TlsContext>();
const clientContexts = new Map<string, TlsContext>();

/** The facade's server context for this certificate. */
export function facadeServerContext(m: TlsMaterial): TlsContext {
  let context = serverContexts.get(m.cert);
  if (context === undefined) {
    context = createTlsContext({ cert: m.cert, key: m.key, minVersion: MIN_VERSION });
    serverContexts.set(m.cert, context);
  }
  return context;
}

/** The facade's client context that trusts this certificate's CA. */
export function facadeClientContext(m: TlsMaterial): TlsContext {
  let context = clientContexts.get(m.ca);
  if (context === undefined) {
    context = createTlsContext({ ca: m.ca, minVersion: MIN_VERSION });
    clientContexts.set(m.ca, context);
  }
  return context;
}

/** What a connection negotiated, to check that both variants compare like with like. */
export interface Negotiated {
  protocol: string;
  cipher: string;
}

export function negotiatedKey(n: Negotiated): string {
  return `${n.protocol} ${n.cipher}`;
}
