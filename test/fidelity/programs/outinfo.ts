// OUTINFO: what SOCKET.INFO says of an outgoing TCP socket (keys 0-7 and unknown ones), what
// SET.SOCKET.MODE does with each key, and which calls leave STATUS() as it was.
// PEER: echo
import { closeSocket, openSocket, setSocketMode, socketInfo, status, SKT$BLOCKING, SKT$INFO_BLOCKING, SKT$INFO_FAMILY, SKT$INFO_IP_ADDR, SKT$INFO_KEEP_ALIVE, SKT$INFO_NO_DELAY, SKT$INFO_OPEN, SKT$INFO_PORT, SKT$INFO_TYPE } from 'scarlet-sockets/basic';
import { crt, sentenceField } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
const PORT = sentenceField(4);
let SKT = await openSocket('127.0.0.1', PORT, SKT$BLOCKING);
crt('OPEN status=', status(), ' open=', socketInfo(SKT, SKT$INFO_OPEN));
crt('INFO type=', socketInfo(SKT, SKT$INFO_TYPE));
crt('INFO port=', socketInfo(SKT, SKT$INFO_PORT));
crt('INFO addr=', socketInfo(SKT, SKT$INFO_IP_ADDR));
crt('INFO blocking=', socketInfo(SKT, SKT$INFO_BLOCKING));
crt('INFO nodelay=', socketInfo(SKT, SKT$INFO_NO_DELAY));
crt('INFO keepalive=', socketInfo(SKT, SKT$INFO_KEEP_ALIVE));
crt('INFO family=', socketInfo(SKT, SKT$INFO_FAMILY));
crt('INFO key 8=', socketInfo(SKT, 8), ' status=', status());
crt('INFO key -1=', socketInfo(SKT, -1), ' status=', status());
crt('INFO key "2"=', socketInfo(SKT, '2'));
let R = setSocketMode(SKT, SKT$INFO_NO_DELAY, 1);
crt('MODE nodelay 1 result=', R, ' status=', status(), ' now=', socketInfo(SKT, SKT$INFO_NO_DELAY));
R = setSocketMode(SKT, SKT$INFO_NO_DELAY, 0);
crt('MODE nodelay 0 result=', R, ' status=', status(), ' now=', socketInfo(SKT, SKT$INFO_NO_DELAY));
R = setSocketMode(SKT, SKT$INFO_KEEP_ALIVE, 1);
crt('MODE keepalive 1 result=', R, ' status=', status(), ' now=', socketInfo(SKT, SKT$INFO_KEEP_ALIVE));
R = setSocketMode(SKT, SKT$INFO_KEEP_ALIVE, 0);
crt('MODE keepalive 0 result=', R, ' status=', status(), ' now=', socketInfo(SKT, SKT$INFO_KEEP_ALIVE));
R = setSocketMode(SKT, SKT$INFO_BLOCKING, 0);
crt('MODE blocking 0 result=', R, ' status=', status(), ' now=', socketInfo(SKT, SKT$INFO_BLOCKING));
R = setSocketMode(SKT, SKT$INFO_BLOCKING, '1');
crt('MODE blocking "1" result=', R, ' status=', status(), ' now=', socketInfo(SKT, SKT$INFO_BLOCKING));
R = setSocketMode(SKT, SKT$INFO_BLOCKING, 5);
crt('MODE blocking 5 result=', R, ' status=', status(), ' now=', socketInfo(SKT, SKT$INFO_BLOCKING));
R = setSocketMode(SKT, SKT$INFO_PORT, 1);
crt('MODE port key result=', R, ' status=', status());
crt('INFO after a failed call: open=', socketInfo(SKT, SKT$INFO_OPEN), ' status=', status());
crt('INFO unknown key after a failed call: ', socketInfo(SKT, 99), ' status=', status());
R = setSocketMode(SKT, 99, 1);
crt('MODE key 99 result=', R, ' status=', status());
await closeSocket(SKT);
crt('CLOSE after a failed call: status=', status());
SKT = await openSocket('127.0.0.1', PORT, SKT$BLOCKING);
crt('OPEN again status=', status());
R = setSocketMode(SKT, SKT$INFO_OPEN, 1);
crt('MODE open key result=', R, ' status=', status());
await closeSocket(SKT);
crt('CLOSE status=', status());
