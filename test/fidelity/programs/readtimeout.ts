// READTIMEOUT: READ.SOCKET's timeouts: non-blocking reads return at once whatever the timeout,
// blocking ones wait for it, 0 waits without limit, and data that comes late is still read.
// PEER: slow-echo
import { closeSocket, openSocket, readSocket, socketInfo, status, writeSocket, SKT$BLOCKING, SKT$INFO_BLOCKING, SKT$NON_BLOCKING } from 'scarlet-sockets/basic';
import { crt, elapsedSince, sentenceField, system1020 } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let W = '';
const PORT = sentenceField(4);
const SKT = await openSocket('127.0.0.1', PORT, SKT$BLOCKING);
crt('OPEN status=', status(), ' blocking=', socketInfo(SKT, SKT$INFO_BLOCKING));
let T0 = system1020();
let D = await readSocket(SKT, 100, SKT$NON_BLOCKING, 2000);
W = elapsedSince(T0);
crt('READ flags 2 timeout 2000 data=', D, ' status=', status(), ' time=', W);
T0 = system1020();
D = await readSocket(SKT, 100, SKT$BLOCKING, 500);
W = elapsedSince(T0);
crt('READ flags 1 timeout 500 data=', D, ' status=', status(), ' time=', W);
T0 = system1020();
D = await readSocket(SKT, 100, 0, 1500);
W = elapsedSince(T0);
crt('READ flags 0 timeout 1500 data=', D, ' status=', status(), ' time=', W);
T0 = system1020();
D = await readSocket(SKT, 100, SKT$BLOCKING, 1);
W = elapsedSince(T0);
crt('READ flags 1 timeout 1 data=', D, ' status=', status(), ' time=', W);
let N = await writeSocket(SKT, 'late', SKT$BLOCKING, 5000);
T0 = system1020();
D = await readSocket(SKT, 100, SKT$BLOCKING, 0);
W = elapsedSince(T0);
crt('READ flags 1 timeout 0 data=', D, ' status=', status(), ' time=', W);
N = await writeSocket(SKT, 'later', SKT$BLOCKING, 5000);
T0 = system1020();
D = await readSocket(SKT, 100, SKT$BLOCKING, 3000);
W = elapsedSince(T0);
crt('READ flags 1 timeout 3000 data=', D, ' status=', status(), ' time=', W);
N = await writeSocket(SKT, 'lost', SKT$BLOCKING, 5000);
T0 = system1020();
D = await readSocket(SKT, 100, SKT$BLOCKING, 500);
W = elapsedSince(T0);
crt('READ before the echo data=', D, ' status=', status(), ' time=', W);
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ the echo after a timeout data=', D, ' status=', status());
await closeSocket(SKT);
