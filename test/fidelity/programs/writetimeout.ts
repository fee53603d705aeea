// WRITETIMEOUT: writes to a peer that never reads, on a socket opened with SKT$NON.BLOCKING:
// a blocking write times out with part of the data written, a non-blocking one returns at once.
// PEER: never-read
import { closeSocket, openSocket, setSocketMode, socketInfo, status, writeSocket, SKT$BLOCKING, SKT$INFO_BLOCKING, SKT$NON_BLOCKING } from 'scarlet-sockets/basic';
import { crt, elapsedSince, sentenceField, str, system1020 } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let E = 0;
let W = '';
const PORT = sentenceField(4);
const SKT = await openSocket('127.0.0.1', PORT, SKT$NON_BLOCKING);
crt('OPEN status=', status(), ' blocking=', socketInfo(SKT, SKT$INFO_BLOCKING));
const BIG = str('x', 16777216);
let T0 = system1020();
let N = await writeSocket(SKT, BIG, SKT$BLOCKING, 1000);
E = system1020() - T0;
if (E < 0) E += 86400000;
// How long filling the kernel's buffers takes depends on the machine: only say the timeout passed.
crt('WRITE blocking timeout 1000 status=', status(), ' some=', Number(N > 0), ' all=', Number(N === BIG.length), ' waited=', Number(E >= 900));
T0 = system1020();
N = await writeSocket(SKT, 'more', SKT$NON_BLOCKING, 5000);
W = elapsedSince(T0);
crt('WRITE non-blocking n=', N, ' status=', status(), ' time=', W);
T0 = system1020();
N = await writeSocket(SKT, 'more', 0, 5000);
W = elapsedSince(T0);
crt('WRITE flags 0 n=', N, ' status=', status(), ' time=', W);
setSocketMode(SKT, SKT$INFO_BLOCKING, 1);
T0 = system1020();
N = await writeSocket(SKT, 'more', 0, 500);
W = elapsedSince(T0);
crt('WRITE flags 0 now blocking timeout 500 n=', N, ' status=', status(), ' time=', W);
await closeSocket(SKT);
crt('CLOSE status=', status());
