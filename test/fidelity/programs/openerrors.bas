* OPENERRORS: OPEN.SOCKET's failures and flags: refused with each blocking mode, '', bad, unknown
* and long names, a host name, SKT$ICMP, SKT$DGRM alone, SKT$STREAM + SKT$TCP, a port past
* 65535, port 0; what a failed open returns.
* PEER: refused
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
CLOSED = FIELD(@SENTENCE, ' ', 4)
PORT = FIELD(@SENTENCE, ' ', 5)
S = OPEN.SOCKET('127.0.0.1', CLOSED, SKT$BLOCKING)
CRT 'refused SKT$BLOCKING: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN):' value=':S
S = OPEN.SOCKET('127.0.0.1', CLOSED, SKT$NON.BLOCKING)
CRT 'refused SKT$NON.BLOCKING: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
S = OPEN.SOCKET('127.0.0.1', CLOSED, 0)
CRT 'refused flags 0: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
S = OPEN.SOCKET('', PORT, 0)
CRT 'empty address: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
S = OPEN.SOCKET('256.1.1.1', PORT, 0)
CRT '256.1.1.1: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
S = OPEN.SOCKET('nosuchhost.invalid', PORT, 0)
CRT 'nosuchhost.invalid: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
S = OPEN.SOCKET(STR('a', 81), PORT, 0)
CRT '81 characters: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
S = OPEN.SOCKET('127.0.0.1', PORT, SKT$ICMP)
CRT 'SKT$ICMP: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
S = OPEN.SOCKET('127.0.0.1', 0, SKT$BLOCKING)
CRT 'port 0: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
S = OPEN.SOCKET('localhost', PORT, SKT$BLOCKING)
CRT 'localhost: status=':STATUS():' addr=':SOCKET.INFO(S, SKT$INFO.IP.ADDR):' port=':SOCKET.INFO(S, SKT$INFO.PORT)
CLOSE.SOCKET S
S = OPEN.SOCKET('127.0.0.1', PORT, SKT$STREAM + SKT$TCP + SKT$BLOCKING)
CRT 'SKT$STREAM + SKT$TCP: status=':STATUS():' type=':SOCKET.INFO(S, SKT$INFO.TYPE)
CLOSE.SOCKET S
S = OPEN.SOCKET('127.0.0.1', PORT, SKT$DGRM + SKT$BLOCKING)
CRT 'SKT$DGRM: status=':STATUS():' type=':SOCKET.INFO(S, SKT$INFO.TYPE)
N = WRITE.SOCKET(S, 'stream or datagram?', SKT$BLOCKING, 5000)
D = READ.SOCKET(S, 5, SKT$BLOCKING, 5000)
E = READ.SOCKET(S, 100, SKT$BLOCKING, 5000)
CRT 'SKT$DGRM echo n=':N:' first=':D:' rest=':E
CLOSE.SOCKET S
S = OPEN.SOCKET('127.0.0.1', PORT + 65536, SKT$BLOCKING)
CRT 'port + 65536: status=':STATUS():' open=':SOCKET.INFO(S, SKT$INFO.OPEN)
IF SOCKET.INFO(S, SKT$INFO.OPEN) THEN
   CRT 'port + 65536: port - 65536=':SOCKET.INFO(S, SKT$INFO.PORT) - 65536
   CLOSE.SOCKET S
END
S = OPEN.SOCKET('127.0.0.1', PORT, SKT$NON.BLOCKING)
CRT 'SKT$NON.BLOCKING: status=':STATUS():' blocking=':SOCKET.INFO(S, SKT$INFO.BLOCKING)
CLOSE.SOCKET S
STOP
