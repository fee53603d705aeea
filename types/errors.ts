/**
 * The name of a ScarletDME status number: the `code` of a `SocketError`. Stable across
 * releases; match on it (or on `status`), never on the message.
 *
 * @example
 * ```ts
 * function retryable(code: SocketErrorCode): boolean {
 *   return code === 'ER$TIMEOUT' || code === 'ERAI$AGAIN';
 * }
 * ```
 *
 * @summary The name of a ScarletDME status number: the `code` of a `SocketError`.
 * @group Errors
 */
export type SocketErrorCode =
  | 'ER$MEM'
  | 'ER$BAD_NAME'
  | 'ER$BAD_KEY'
  | 'ER$FAILED'
  | 'ER$TIMEOUT'
  | 'ER$SERVER'
  | 'ER$NOSOCKET'
  | 'ER$CONNECT'
  | 'ER$RESOLVE'
  | 'ER$BIND'
  | 'ER$SKT_CLOSED'
  | 'ERAI$ADDRFAMILY'
  | 'ERAI$AGAIN'
  | 'ERAI$BADFLAGS'
  | 'ERAI$FAIL'
  | 'ERAI$FAMILY'
  | 'ERAI$MEMORY'
  | 'ERAI$NODATA'
  | 'ERAI$NONAME'
  | 'ERAI$SERVICE'
  | 'ERAI$SOCKTYPE'
  | 'ERAI$SYSTEM'
  | 'ER$INCOMP_PROTO'
  | 'ER$NONBLOCK_FAIL'
  | 'ER$BADADDR'
  | 'ER$TLS_HANDSHAKE'
  | 'ER$TLS_UNTRUSTED'
  | 'ER$TLS_EXPIRED'
  | 'ER$TLS_HOSTNAME'
  | 'ER$TLS_KEY_MISMATCH'
  | 'ER$TLS_PKCS12_PASSWORD'
  | 'ER$TLS_BAD_CERT'
  | 'ER$TLS_NO_CERT'
  | 'ER$TLS_NO_CA';
