// NOPEER: calls that need no peer: SERVER.ADDR with names, numbers and bad values; SOCKET.INFO
// SKT$INFO.OPEN of values that are not sockets; what STATUS() is after each.
// PEER: none
import { serverAddr, socketInfo, status, ER$BAD_NAME, ER$BAD_KEY, ER$BIND, ER$CONNECT, ER$FAILED, ER$SKT_CLOSED, ER$TIMEOUT, SKT$BLOCKING, SKT$DGRM, SKT$ICMP, SKT$INFO_OPEN, SKT$NON_BLOCKING, SKT$STREAM, SKT$TCP, SKT$UDP } from 'scarlet-sockets/basic';
import { crt, str } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
crt('SERVER.ADDR localhost=', await serverAddr('localhost'), ' status=', status());
crt('SERVER.ADDR 127.0.0.1=', await serverAddr('127.0.0.1'), ' status=', status());
crt('SERVER.ADDR 1.2.3.4=', await serverAddr('1.2.3.4'), ' status=', status());
crt('SERVER.ADDR ::1=', await serverAddr('::1'), ' status=', status());
crt('SERVER.ADDR ::ffff:127.0.0.1=', await serverAddr('::ffff:127.0.0.1'), ' status=', status());
crt('SERVER.ADDR empty=', await serverAddr(''), ' status=', status());
crt('SERVER.ADDR 65 characters=', await serverAddr(str('a', 65)), ' status=', status());
crt('SERVER.ADDR 12345=', await serverAddr('12345'), ' status=', status());
crt('SERVER.ADDR 0=', await serverAddr('0'), ' status=', status());
crt('INFO open of 0=', socketInfo(0, SKT$INFO_OPEN));
crt('INFO open of empty=', socketInfo('', SKT$INFO_OPEN));
crt('INFO open of a string=', socketInfo('socket', SKT$INFO_OPEN));
await serverAddr('');
crt('INFO open after a failed call=', socketInfo(0, SKT$INFO_OPEN), ' status=', status());
crt('ER$ values ', ER$TIMEOUT, ' ', ER$SKT_CLOSED, ' ', ER$FAILED, ' ', ER$BAD_KEY, ' ', ER$BAD_NAME, ' ', ER$CONNECT, ' ', ER$BIND);
crt('SKT$ values ', SKT$BLOCKING, ' ', SKT$NON_BLOCKING, ' ', SKT$STREAM, ' ', SKT$DGRM, ' ', SKT$TCP, ' ', SKT$UDP, ' ', SKT$ICMP);
