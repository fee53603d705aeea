// ECHOFLAGS: WRITE.SOCKET and READ.SOCKET with flags 0, SKT$BLOCKING and SKT$NON.BLOCKING on a
// socket opened with flags 0 (non-blocking by default), short reads, an empty write, numeric
// strings as arguments, and a large write read back in a bounded loop.
// PEER: echo
import { closeSocket, openSocket, readSocket, setSocketMode, socketInfo, status, writeSocket, SKT$BLOCKING, SKT$INFO_BLOCKING, SKT$NON_BLOCKING } from 'scarlet-sockets/basic';
import { crt, elapsedSince, sentenceField, str, system1020 } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let W = '';
const PORT = sentenceField(4);
const SKT = await openSocket('127.0.0.1', PORT, 0);
crt('OPEN flags 0 status=', status(), ' blocking=', socketInfo(SKT, SKT$INFO_BLOCKING));
let N = await writeSocket(SKT, 'one', 0, 0);
crt('WRITE flags 0 n=', N, ' status=', status());
let D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ flags 1 data=', D, ' status=', status());
N = await writeSocket(SKT, 'two', SKT$BLOCKING, 5000);
crt('WRITE flags 1 n=', N, ' status=', status());
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ flags 1 data=', D, ' status=', status());
N = await writeSocket(SKT, 'three', SKT$NON_BLOCKING, 0);
crt('WRITE flags 2 n=', N, ' status=', status());
D = await readSocket(SKT, 2, SKT$BLOCKING, 5000);
crt('READ max 2 data=', D, ' status=', status());
D = await readSocket(SKT, 100, SKT$NON_BLOCKING, 5000);
crt('READ flags 2 data=', D, ' status=', status());
let T0 = system1020();
D = await readSocket(SKT, 100, SKT$NON_BLOCKING, 5000);
W = elapsedSince(T0);
crt('READ flags 2 nothing data=', D, ' status=', status(), ' time=', W);
T0 = system1020();
D = await readSocket(SKT, 100, 0, 5000);
W = elapsedSince(T0);
crt('READ flags 0 nothing data=', D, ' status=', status(), ' time=', W);
N = await writeSocket(SKT, '', 0, 0);
crt('WRITE empty n=', N, ' status=', status());
setSocketMode(SKT, SKT$INFO_BLOCKING, 1);
N = await writeSocket(SKT, 'four', 0, 5000);
D = await readSocket(SKT, 100, 0, 5000);
crt('READ flags 0 now blocking data=', D, ' status=', status());
T0 = system1020();
D = await readSocket(SKT, 100, 0, 500);
W = elapsedSince(T0);
crt('READ flags 0 blocking nothing data=', D, ' status=', status(), ' time=', W);
N = await writeSocket(SKT, 'five', '2', '0');
crt('WRITE numeric strings n=', N, ' status=', status());
D = await readSocket(SKT, '100', '1', '5000');
crt('READ numeric strings data=', D, ' status=', status());
const BIG = str('0123456789', 20000);
N = await writeSocket(SKT, BIG, SKT$BLOCKING, 5000);
crt('WRITE 200000 bytes n=', N, ' status=', status());
let GOT = '';
let READS = 0;
let ST: number;
do {
  D = await readSocket(SKT, 65536, SKT$BLOCKING, 5000);
  ST = status();
  GOT += D;
  READS += 1;
} while (!(ST || GOT.length >= BIG.length || READS >= 10000));
crt('READ back len=', GOT.length, ' status=', ST, ' same=', Number(GOT === BIG));
N = await writeSocket(SKT, 'seven', SKT$BLOCKING, 5000);
D = await readSocket(SKT, 1, SKT$BLOCKING, 5000);
crt('READ max 1 data=', D, ' status=', status());
D = await readSocket(SKT, 0, SKT$BLOCKING, 5000);
crt('READ max 0 data=', D, ' status=', status());
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ after max 0 data=', D, ' status=', status());
await closeSocket(SKT);
crt('CLOSE status=', status());
