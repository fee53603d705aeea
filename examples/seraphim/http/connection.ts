// One HTTP/1.1 connection, written once against the Socket interface: the same code serves
// plain and TLS sockets. Requests are read and answered one after another, so pipelined
// requests are answered in order; bytes after a request stay buffered for the next one.
import {
  closeSocket,
  setSocketMode,
  SKT$BLOCKING,
  SKT$INFO_IP_ADDR,
  SKT$INFO_LINGER,
  SocketError,
  socketInfo,
  writeSocket,
  type Socket,
} from 'scarlet-sockets';
import type { AccessLog } from './access-log.js';
import type { BodyBudget } from './body-budget.js';
import { BodyTruncated, readBody, skipBody } from './body-reader.js';
import type { HeaderBlock } from './headers.js';
import { endOfIoRound } from './io-round.js';
import { HeadParser, HttpError, type RequestHead, type RequestLimits } from './request-parser.js';
import { errorResponse, oneWriteOf, sentBodyLength, writeInPieces, type OutgoingResponse, type WriteOptions } from './response.js';
import { msUntil, readFailure, ReadTimeout, SocketReader } from './socket-reader.js';
import type { SeraphimRequest } from './types.js';

/**
 * Timeouts of a connection, in milliseconds.
 *
 * @example
 * ```ts
 * await startSeraphim({ root: './public', context, timeouts: { idle: 15_000, send: 10_000 } });
 * ```
 */
export interface ConnectionTimeouts {
  /** From the connection's start (or a request's first byte) to a complete request head; then 408. Default 10000. */
  head: number;
  /** An idle keep-alive connection is closed after this. Default 5000. */
  idle: number;
  /** The peer must take each write (up to 64 KiB of a file, 256 KiB of a body in memory) within this, or is cut off. Default 30000. */
  send: number;
  /** A request body must arrive within this once its head has. Default 30000. */
  body: number;
}

export const DEFAULT_TIMEOUTS: ConnectionTimeouts = { head: 10_000, idle: 5_000, send: 30_000, body: 30_000 };

/** What a connection needs from its server. */
export interface ConnectionOptions {
  secure: boolean;
  limits: RequestLimits;
  timeouts: ConnectionTimeouts;
  /** The listener's fixed response headers. */
  defaults: HeaderBlock;
  /** Answers a request; a throw or a rejection becomes a 500 and the connection goes on. */
  respond: (request: SeraphimRequest) => Promise<OutgoingResponse> | OutgoingResponse;
  log: AccessLog | undefined;
  /** Told about errors of `respond` (a handler that threw). */
  onError: (err: unknown) => void;
  /** Whether anything will read this request's body; when not, it is skipped, never held. */
  readsBody: (head: RequestHead) => boolean;
  /** The room for bodies held in memory, shared by every connection of the server. */
  bodyBudget: BodyBudget;
  /** Whether each response now ends its connection (the server is draining); default never. */
  closeAfterEachResponse?: () => boolean;
}

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
/** The body of a request without one (never written to: it has no bytes). */
const NO_BODY = Buffer.alloc(0);
/** For a body whose room was taken before `100 Continue`: nothing more to take. */
const NOTHING_MORE = (): void => undefined;
/**
 * How long, at most, a connection that left an unwanted body unread goes on dropping what the
 * client still sends after its answer: closing with unread bytes would reset the connection, and
 * the client, still sending, could lose the answer (nginx's lingering close).
 */
const LINGER_MS = 5000;

/** Serves one accepted socket until the client or the server ends it. */
export class HttpConnection {
  #idle = false;
  #stopping = false;
  #closing: Promise<void> | undefined;
  /** Bytes of the current request's body counted in the server's body budget. */
  #bodyBytes = 0;
  readonly #reader: SocketReader;
  readonly #remoteAddress: string;

  constructor(
    readonly skt: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.#reader = new SocketReader(skt);
    this.#remoteAddress = socketInfo(skt, SKT$INFO_IP_ADDR);
  }

  /** Waiting for a request: a new connection before its first byte, or an idle keep-alive one. */
  get idle(): boolean {
    return this.#idle;
  }

  /**
   * Graceful stop: an idle connection closes now; a busy one finishes its request, answers with
   * `Connection: close`, and closes.
   */
  shutdown(): void {
    this.#stopping = true;
    if (this.#idle) void this.close();
  }

  /** Closes the socket now (a read or write in progress fails and the loop ends). */
  close(): Promise<void> {
    this.#closing ??= closeSocket(this.skt).catch((err: unknown) => this.options.onError(err));
    return this.#closing;
  }

  /** The request loop; resolves when the connection is closed. Never rejects. */
  async run(): Promise<void> {
    try {
      await this.serve(Date.now());
    } catch (err) {
      this.options.onError(err);
    } finally {
      this.releaseBody();
      await this.close();
    }
  }

  /** Takes room in the server's body budget for bytes of this request's body (HttpError 503 when full). */
  private readonly reserveBody = (bytes: number): void => {
    this.options.bodyBudget.reserve(bytes);
    this.#bodyBytes += bytes;
  };

  /** Gives the current body's room back: its response is written (or the connection is over). */
  private releaseBody(): void {
    this.options.bodyBudget.release(this.#bodyBytes);
    this.#bodyBytes = 0;
  }

  /**
   * Reads requests and answers them, one after another, until the connection ends. One loop in
   * one async function, each wait a promise of the socket's awaited here: every promise between
   * a request's bytes and its answer costs a turn of the microtask queue and an allocation.
   *
   * @param acceptedAt - when the connection started: the first request's head timeout runs from
   *   there, with no idle wait
   */
  private async serve(acceptedAt: number): Promise<void> {
    const { limits, timeouts } = this.options;
    const reader = this.#reader;
    for (let first = true; !this.#stopping; first = false) {
      const connectionStart = first ? acceptedAt : undefined;
      let refusal: HttpError | undefined;
      if (reader.pending.length === 0) {
        // Nothing buffered: wait for a request's first byte, as an idle connection.
        this.#idle = true;
        try {
          const wait = connectionStart === undefined ? timeouts.idle : msUntil(connectionStart + timeouts.head);
          reader.append(await reader.read(wait));
        } catch (err) {
          // An idle keep-alive connection just closes; a new one that never sent a request gets 408.
          if (readFailure(err) === 'closed' || connectionStart === undefined) return;
          refusal = new HttpError(408, 'no request');
        } finally {
          this.#idle = false;
        }
      }
      // A request starts with its first byte (or, the first one, with the connection). The clock
      // is read for it only when something needs that time: the access log, or a head that takes
      // more than this read (its timeout); otherwise a kept-alive request costs one clock read
      // fewer (the Date header's is the one left).
      const { log } = this.options;
      let startedAt = connectionStart ?? (log === undefined ? undefined : Date.now());
      const parser = new HeadParser(limits);
      let head: RequestHead | undefined;
      let response: OutgoingResponse;
      let keepAlive = false;
      /** Bytes of an unwanted body left unread (at most): the connection closes after the answer. */
      let unread: number | undefined;
      try {
        if (refusal !== undefined) throw refusal;
        // Usually the whole head came in one read: parsed here without another await.
        head = this.takeHead(parser) ?? (await this.readHead(parser, (startedAt ??= Date.now()) + timeouts.head));
        if (head === undefined) return;
        const hasBody = head.chunked || head.contentLength > 0;
        // A body nobody will read (a static file's, a route's that takes none) is skipped as it
        // comes; one that will be read is counted in the server's body budget while held.
        const wanted = hasBody && this.options.readsBody(head);
        if (head.expectContinue && hasBody) {
          if (!head.chunked && head.contentLength > limits.maxBody) throw new HttpError(413, 'request body too large');
          // No room: refused before the client sends it.
          if (wanted && !head.chunked) this.reserveBody(head.contentLength);
          // An unwanted body too large to skip is not asked for: the answer comes at once.
          const tooLargeToSkip = !wanted && !head.chunked && head.contentLength > limits.maxSkippedBody;
          if (!tooLargeToSkip && !(await this.sendContinue())) return;
        }
        let body: Buffer = NO_BODY;
        if (wanted) {
          const reserve = this.#bodyBytes > 0 ? NOTHING_MORE : this.reserveBody;
          body = await readBody(reader, head, limits, Date.now() + timeouts.body, reserve);
        } else if (hasBody && !(await skipBody(reader, head, limits, Date.now() + timeouts.body, limits.maxSkippedBody))) {
          // Past the little that is skipped, an unwanted body ends the connection: a client
          // streaming bodies nobody reads would otherwise have the server decrypt them as fast
          // as it sends, on one connection; now each costs it a new connection (and handshake).
          unread = head.chunked ? limits.maxBody : head.contentLength;
        }
        const answered = this.respond(head, body);
        response = answered instanceof Promise ? await answered : answered;
        keepAlive = head.keepAlive && !this.#stopping && unread === undefined && this.options.closeAfterEachResponse?.() !== true;
      } catch (err) {
        if (err instanceof BodyTruncated) return;
        // Refused: answered with the error's status, then the connection closes.
        if (err instanceof ReadTimeout) head = undefined; // logged by its request line alone
        const refused = err instanceof ReadTimeout ? new HttpError(408, 'request timeout') : err;
        if (!(refused instanceof HttpError)) throw err;
        response = errorResponse(refused.status, refused.headers);
      }
      // A request's response is written here; one that goes out in one write is awaited here, not
      // in a helper: fewer promises.
      const logged = head ?? { requestLine: parser.requestLine, method: '', version: '1.1', headers: new Map<string, string>() };
      const headOnly = logged.method === 'HEAD';
      let written = false;
      try {
        const http10 = logged.version === '1.0';
        const writeOptions: WriteOptions = { defaults: this.options.defaults, headOnly, keepAlive, http10, sendTimeout: timeouts.send };
        const data = oneWriteOf(response, writeOptions);
        if (data === undefined) await writeInPieces(this.skt, response, writeOptions);
        else {
          // At the end of the event loop's round, with the others that round made (io-round.ts).
          await endOfIoRound();
          await writeSocket(this.skt, data, SKT$BLOCKING, timeouts.send);
        }
        written = true;
      } catch (err) {
        // The peer did not take the data in time, or is gone: the connection is closed.
        if (!(err instanceof SocketError)) throw err;
        // A reader that stopped reading gets no more of our time: the close drops what is queued.
        if (err.code === 'ER$TIMEOUT') setSocketMode(this.skt, SKT$INFO_LINGER, 0);
      }
      if (log !== undefined) {
        // With a log, startedAt was read at the request's start.
        startedAt ??= Date.now();
        log.write({
          remoteAddress: this.#remoteAddress,
          time: new Date(startedAt),
          requestLine: logged.requestLine,
          status: response.status,
          bytes: written ? sentBodyLength(response, headOnly) : 0,
          referer: logged.headers.get('referer'),
          userAgent: logged.headers.get('user-agent'),
          durationMs: Date.now() - startedAt,
        });
      }
      this.releaseBody();
      if (written && unread !== undefined) await this.linger(unread);
      if (!written || !keepAlive) return;
    }
  }

  /**
   * After the answer to a request whose body was left unread: drops what the client still sends,
   * up to `bytes` and for LINGER_MS at most, so that it can finish sending and read the answer;
   * then the connection closes (with whatever comes later unread).
   */
  private async linger(bytes: number): Promise<void> {
    const reader = this.#reader;
    const deadline = Date.now() + LINGER_MS;
    let left = bytes - reader.take(bytes).length;
    while (left > 0) {
      try {
        left -= (await reader.read(msUntil(deadline))).length;
      } catch (err) {
        // Out of time, or the client closed: either way the lingering is over (anything else is thrown on).
        readFailure(err);
        return;
      }
    }
  }

  /**
   * Writes `100 Continue`; `false` when the connection is gone (reset, closed, or too slow to
   * take it): that is the client's choice, not an error, and nothing is reported for it.
   */
  private async sendContinue(): Promise<boolean> {
    try {
      await writeSocket(this.skt, CONTINUE, SKT$BLOCKING, this.options.timeouts.send);
      return true;
    } catch (err) {
      if (err instanceof SocketError) return false;
      throw err;
    }
  }

  /** The request head when the pending bytes hold all of it (consumed), else undefined. */
  private takeHead(parser: HeadParser): RequestHead | undefined {
    const parsed = parser.parse(this.#reader.pending);
    if (parsed === undefined) return undefined;
    this.#reader.consume(parsed.consumed);
    return parsed.head;
  }

  /** Reads until the request head is complete; undefined when the peer closed first. */
  private async readHead(parser: HeadParser, deadline: number): Promise<RequestHead | undefined> {
    for (;;) {
      if (!(await this.#reader.fill(deadline))) return undefined;
      const head = this.takeHead(parser);
      if (head !== undefined) return head;
    }
  }

  /** Runs the request through the server: its response, or the promise of it. */
  private respond(head: RequestHead, body: Buffer): Promise<OutgoingResponse> | OutgoingResponse {
    const request: SeraphimRequest = {
      method: head.method,
      target: head.target,
      path: head.path,
      query: head.query,
      version: head.version,
      headers: head.headers,
      body,
      remoteAddress: this.#remoteAddress,
      secure: this.options.secure,
      slugs: {},
    };
    let answered: Promise<OutgoingResponse> | OutgoingResponse;
    try {
      answered = this.options.respond(request);
    } catch (err) {
      return this.failed(err);
    }
    return answered instanceof Promise ? answered.catch(this.failed) : answered;
  }

  /** A handler that threw: told to onError, answered with 500; the connection goes on. */
  private readonly failed = (err: unknown): OutgoingResponse => {
    this.options.onError(err);
    return errorResponse(500);
  };
}
