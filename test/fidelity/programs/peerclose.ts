// PEERCLOSE: a peer that sends, closes and goes away: the data first, then SKT.CLOSED on every
// read, a write that still succeeds, and the write after the peer's reset.
// PEER: send-then-close
import { closeSocket, openSocket, readSocket, status, writeSocket, SKT$BLOCKING, SKT$NON_BLOCKING } from 'scarlet-sockets/basic';
import { crt, elapsedSince, nap, sentenceField, system1020 } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let W = '';
const PORT = sentenceField(4);
const SKT = await openSocket('127.0.0.1', PORT, SKT$BLOCKING);
crt('OPEN status=', status());
let D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ data=', D, ' status=', status());
const T0 = system1020();
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
W = elapsedSince(T0);
crt('READ after close data=', D, ' status=', status(), ' time=', W);
D = await readSocket(SKT, 100, SKT$NON_BLOCKING, 0);
crt('READ non-blocking after close data=', D, ' status=', status());
let N = await writeSocket(SKT, 'x', SKT$BLOCKING, 5000);
crt('WRITE to a closed peer n=', N, ' status=', status());
// The peer's kernel answers that write with a reset; give it time to arrive.
await nap(500);
N = await writeSocket(SKT, 'y', SKT$BLOCKING, 5000);
crt('WRITE after the reset n=', N, ' status=', status());
N = await writeSocket(SKT, 'z', SKT$BLOCKING, 5000);
crt('WRITE again n=', N, ' status=', status());
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ after the reset data=', D, ' status=', status());
await closeSocket(SKT);
crt('CLOSE status=', status());
