* WRITEHANG: a blocking write with a timeout to a peer that never reads, on a socket opened with
* SKT$BLOCKING; the peer resets the connection 2 s after it came.
* PEER: never-read-then-reset
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
PORT = FIELD(@SENTENCE, ' ', 4)
SKT = OPEN.SOCKET('127.0.0.1', PORT, SKT$BLOCKING)
CRT 'OPEN status=':STATUS()
BIG = STR('x', 16777216)
T0 = SYSTEM(1020)
N = WRITE.SOCKET(SKT, BIG, SKT$BLOCKING, 500)
E = SYSTEM(1020) - T0
IF E < 0 THEN E += 86400000
* How long filling the kernel's buffers takes depends on the machine: only say the timeout passed.
CRT 'WRITE blocking timeout 500 status=':STATUS():' some=':(N > 0):' all=':(N = LEN(BIG)):' waited=':(E >= 450)
CLOSE.SOCKET SKT
STOP

