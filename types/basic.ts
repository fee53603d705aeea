import type { Socket } from './socket.js';

/**
 * A socket variable as `scarlet-sockets/basic` returns it: a socket of the library, or the
 * number `0` that a failed `openSocket`, `createServerSocket` or `acceptSocket` returns (as
 * ScarletDME's OPEN.SOCKET returns 0 when it fails). `socketInfo(x, SKT$INFO_OPEN)` is 0 for it.
 *
 * @example
 * ```ts
 * import { openSocket, socketInfo, status, SKT$INFO_OPEN } from 'scarlet-sockets/basic';
 * const skt: BasicSocket = await openSocket('127.0.0.1', 4000, 1);
 * if (status()) console.log('no connection:', status(), socketInfo(skt, SKT$INFO_OPEN)); // ... 0
 * ```
 *
 * @summary A socket variable as `scarlet-sockets/basic` returns it: a socket of the library, or
 *   the number `0` that a failed `openSocket`, `createServerSocket` or `acceptSocket` returns (as
 *   ScarletDME's OPEN.SOCKET returns 0 when it fails).
 * @group Types
 */
export type BasicSocket = Socket | 0;

/**
 * A number as a BASIC program passes one: a number, or a numeric string such as `'4000'` taken
 * from a field of a record (the null string counts as 0, as in BASIC).
 *
 * @example
 * ```ts
 * const port: BasicNumber = '4000'; // FIELD(CONFIG, ':', 2)
 * const skt = await openSocket('127.0.0.1', port, SKT$BLOCKING);
 * ```
 *
 * @group Types
 */
export type BasicNumber = number | string;

/**
 * A value as BASIC holds it: a number or a string. Yes/no answers are 1 and 0.
 *
 * @example
 * ```ts
 * const blocking: BasicValue = socketInfo(skt, SKT$INFO_BLOCKING); // 1 or 0
 * ```
 *
 * @summary A value as BASIC holds it: a number or a string.
 * @group Types
 */
export type BasicValue = number | string;
