// Compile-time tests of the secure socket functions, run by `tsc -p test/types/tsconfig.json`;
// nothing here is executed. Each `@ts-expect-error` must mark a real error: tsc fails on an
// unused one. "Each secure function has its plain twin's type narrowed to secure sockets."
import {
  acceptSecureSocket,
  acceptSocket,
  closeSecureSocket,
  closeSocket,
  createSecureServerSocket,
  createServerSocket,
  openSecureSocket,
  openSocket,
  readSecureSocket,
  readSocket,
  readSocketBuffer,
  SKT$BLOCKING,
  SKT$INFO_PROXY_ADDR,
  SKT$INFO_PROXY_PORT,
  SKT$INFO_PROXY_REFUSED,
  SKT$INFO_TLS_PEER_CERT,
  SKT$INFO_TLS_PROTOCOL,
  SKT$INFO_TLS_RESUMED,
  socketInfo,
  startTls,
  writeSecureSocket,
  writeSocket,
  type AcceptSocket,
  type CertificateDescription,
  type CloseSocket,
  type ReadSocket,
  type SecureServerSocket,
  type SecureSocket,
  type ServerSocket,
  type ServerSocketOptions,
  type Socket,
  type TlsContext,
  type WriteSocket,
} from '../../lib/index.js';
import { type Equal, expectType, expectTypeOf } from './expect-type.js';

/** The parameters after the first. */
type Rest<F extends (...args: never[]) => unknown> = Parameters<F> extends [unknown, ...infer R] ? R : never;
/** The first parameter. */
type First<F extends (...args: never[]) => unknown> = Parameters<F>[0];

declare const plain: Socket;
declare const secure: SecureSocket;
declare const plainServer: ServerSocket;
declare const secureServer: SecureServerSocket;
declare const context: TlsContext;

// The helpers reject what they should.
// @ts-expect-error SecureSocket is not Socket
expectType<Equal<SecureSocket, Socket>>();
// @ts-expect-error the rest of readSocket's parameters are not writeSocket's
expectType<Equal<Rest<typeof readSocket>, Rest<typeof writeSocket>>>();

// A SecureSocket is a Socket; a plain Socket is not a SecureSocket.
expectType<SecureSocket extends Socket ? true : false>();
expectType<Socket extends SecureSocket ? false : true>();
expectType<SecureServerSocket extends ServerSocket ? true : false>();
expectTypeOf<true>()(secure.secure);

// readSecureSocket: exactly ReadSocket<SecureSocket>, which is readSocket's type narrowed.
expectType<Equal<typeof readSecureSocket, ReadSocket<SecureSocket>>>();
expectType<Equal<typeof readSocket, ReadSocket>>();
expectType<Equal<First<typeof readSecureSocket>, SecureSocket>>();
expectType<Equal<Rest<typeof readSecureSocket>, Rest<typeof readSocket>>>();
expectType<Equal<ReturnType<typeof readSecureSocket>, ReturnType<typeof readSocket>>>();
expectType<Equal<ReturnType<typeof readSecureSocket>, Promise<string>>>();
// Narrowing, not a different function: the plain one fits where the secure one is expected...
const readNarrowed: typeof readSecureSocket = readSocket;
void readNarrowed;
// @ts-expect-error ...but not the other way round: the secure one does not take every socket
const readWidened: typeof readSocket = readSecureSocket;
void readWidened;

// writeSecureSocket: exactly WriteSocket<SecureSocket>.
expectType<Equal<typeof writeSecureSocket, WriteSocket<SecureSocket>>>();
expectType<Equal<typeof writeSocket, WriteSocket>>();
expectType<Equal<First<typeof writeSecureSocket>, SecureSocket>>();
expectType<Equal<Rest<typeof writeSecureSocket>, Rest<typeof writeSocket>>>();
expectType<Equal<ReturnType<typeof writeSecureSocket>, ReturnType<typeof writeSocket>>>();
expectType<Equal<ReturnType<typeof writeSecureSocket>, Promise<number>>>();
const writeNarrowed: typeof writeSecureSocket = writeSocket;
void writeNarrowed;
// @ts-expect-error the secure write does not take every socket
const writeWidened: typeof writeSocket = writeSecureSocket;
void writeWidened;

// closeSecureSocket: exactly CloseSocket<SecureSocket>.
expectType<Equal<typeof closeSecureSocket, CloseSocket<SecureSocket>>>();
expectType<Equal<typeof closeSocket, CloseSocket>>();
expectType<Equal<Parameters<typeof closeSecureSocket>, [skt: SecureSocket]>>();
expectType<Equal<Rest<typeof closeSecureSocket>, Rest<typeof closeSocket>>>();
expectType<Equal<ReturnType<typeof closeSecureSocket>, ReturnType<typeof closeSocket>>>();
const closeNarrowed: typeof closeSecureSocket = closeSocket;
void closeNarrowed;
// @ts-expect-error the secure close does not take every socket
const closeWidened: typeof closeSocket = closeSecureSocket;
void closeWidened;

// acceptSecureSocket: AcceptSocket narrowed on both ends (secure server in, secure socket out).
expectType<Equal<typeof acceptSecureSocket, AcceptSocket<SecureServerSocket, SecureSocket>>>();
expectType<Equal<typeof acceptSocket, AcceptSocket>>();
expectType<Equal<First<typeof acceptSecureSocket>, SecureServerSocket>>();
expectType<Equal<Rest<typeof acceptSecureSocket>, Rest<typeof acceptSocket>>>();
expectType<Equal<ReturnType<typeof acceptSecureSocket>, Promise<SecureSocket>>>();
expectType<ReturnType<typeof acceptSecureSocket> extends ReturnType<typeof acceptSocket> ? true : false>();
// What it accepts can go wherever acceptSocket's result goes.
const acceptAsPlain: (server: SecureServerSocket, timeout?: number) => Promise<Socket> = acceptSecureSocket;
void acceptAsPlain;
// @ts-expect-error a plain server socket is not a secure one
void acceptSecureSocket(plainServer);
// The plain accept takes a secure server socket (and then knows only that it got a Socket).
expectTypeOf<Promise<Socket>>()(acceptSocket(secureServer, 1000));

// The plain functions take a SecureSocket, with their usual results.
expectTypeOf<Promise<string>>()(readSocket(secure, 1024, SKT$BLOCKING, 5000));
expectTypeOf<Promise<Buffer>>()(readSocketBuffer(secure, 1024));
expectTypeOf<Promise<number>>()(writeSocket(secure, 'PING\r\n', SKT$BLOCKING, 5000));
expectTypeOf<Promise<void>>()(closeSocket(secure));
expectTypeOf<string>()(socketInfo(secure, SKT$INFO_TLS_PROTOCOL));
expectTypeOf<boolean>()(socketInfo(secure, SKT$INFO_TLS_RESUMED));
expectTypeOf<CertificateDescription | undefined>()(socketInfo(secure, SKT$INFO_TLS_PEER_CERT));
expectTypeOf<Promise<void>>()(closeSocket(secureServer));

// The secure functions refuse a plain Socket at compile time.
// @ts-expect-error a plain socket is not a SecureSocket
void readSecureSocket(plain, 1024);
// @ts-expect-error a plain socket is not a SecureSocket
void writeSecureSocket(plain, 'PING\r\n');
// @ts-expect-error a plain socket is not a SecureSocket
void closeSecureSocket(plain);
// ...and take a SecureSocket with the plain functions' other arguments.
expectTypeOf<Promise<string>>()(readSecureSocket(secure, 1024, SKT$BLOCKING, 5000));
expectTypeOf<Promise<number>>()(writeSecureSocket(secure, new Uint8Array([1, 2, 3]), SKT$BLOCKING, 5000));
expectTypeOf<Promise<void>>()(closeSecureSocket(secure));

// A TlsContext as the fourth argument makes createServerSocket and openSocket secure.
const srvr = createServerSocket('127.0.0.1', 0, SKT$BLOCKING, context);
expectType<Equal<typeof srvr, Promise<SecureServerSocket>>>();
const client = openSocket('localhost', 8443, SKT$BLOCKING, context);
expectType<Equal<typeof client, Promise<SecureSocket>>>();
const plainAgain = openSocket('localhost', 8443, SKT$BLOCKING, 10); // a number is a connect timeout
expectType<Equal<typeof plainAgain, Promise<Socket>>>();
expectTypeOf<Promise<SecureServerSocket>>()(createSecureServerSocket('', 8443, SKT$BLOCKING, context));
expectTypeOf<Promise<SecureServerSocket>>()(createSecureServerSocket('', 8443, SKT$BLOCKING, 'site.crt', 'site.key'));
// @ts-expect-error a certificate path needs its key path
void createSecureServerSocket('', 8443, SKT$BLOCKING, 'site.crt');
// @ts-expect-error a TlsContext takes no key path
void createSecureServerSocket('', 8443, SKT$BLOCKING, context, 'site.key');
// The options come last, after the arguments BASIC has, in both forms.
const proxied: ServerSocketOptions = { proxyProtocol: { trusted: ['127.0.0.0/8', '::1'], headerTimeout: 2000 } };
expectTypeOf<Promise<SecureServerSocket>>()(createSecureServerSocket('', 8443, SKT$BLOCKING, context, proxied));
expectTypeOf<Promise<SecureServerSocket>>()(createSecureServerSocket('', 8443, SKT$BLOCKING, 'site.crt', 'site.key', proxied));
expectTypeOf<Promise<SecureServerSocket>>()(createServerSocket('', 8443, SKT$BLOCKING, context, proxied));
// @ts-expect-error in the path form the options follow the key path
void createSecureServerSocket('', 8443, SKT$BLOCKING, 'site.crt', proxied);
// @ts-expect-error the trusted proxies are a list
void createSecureServerSocket('', 8443, SKT$BLOCKING, context, { proxyProtocol: { trusted: '127.0.0.1' } });
// @ts-expect-error the PROXY protocol needs its trusted list
void createSecureServerSocket('', 8443, SKT$BLOCKING, context, { proxyProtocol: {} });
// The proxy's own end on an accepted socket, the refusals on a server socket.
expectTypeOf<string>()(socketInfo(secure, SKT$INFO_PROXY_ADDR));
expectTypeOf<number>()(socketInfo(secure, SKT$INFO_PROXY_PORT));
expectTypeOf<number>()(socketInfo(secureServer, SKT$INFO_PROXY_REFUSED));
expectTypeOf<Promise<SecureSocket>>()(openSecureSocket('localhost', 8443, SKT$BLOCKING, context));
expectTypeOf<Promise<SecureSocket>>()(startTls(plain, context, { role: 'client', servername: 'localhost' }));
// @ts-expect-error startTls needs a TlsContext
void startTls(plain, {});
