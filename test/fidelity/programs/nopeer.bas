* NOPEER: calls that need no peer: SERVER.ADDR with names, numbers and bad values; SOCKET.INFO
* SKT$INFO.OPEN of values that are not sockets; what STATUS() is after each.
* PEER: none
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
CRT 'SERVER.ADDR localhost=':SERVER.ADDR('localhost'):' status=':STATUS()
CRT 'SERVER.ADDR 127.0.0.1=':SERVER.ADDR('127.0.0.1'):' status=':STATUS()
CRT 'SERVER.ADDR 1.2.3.4=':SERVER.ADDR('1.2.3.4'):' status=':STATUS()
CRT 'SERVER.ADDR ::1=':SERVER.ADDR('::1'):' status=':STATUS()
CRT 'SERVER.ADDR ::ffff:127.0.0.1=':SERVER.ADDR('::ffff:127.0.0.1'):' status=':STATUS()
CRT 'SERVER.ADDR empty=':SERVER.ADDR(''):' status=':STATUS()
CRT 'SERVER.ADDR 65 characters=':SERVER.ADDR(STR('a', 65)):' status=':STATUS()
CRT 'SERVER.ADDR 12345=':SERVER.ADDR(12345):' status=':STATUS()
CRT 'SERVER.ADDR 0=':SERVER.ADDR(0):' status=':STATUS()
CRT 'INFO open of 0=':SOCKET.INFO(0, SKT$INFO.OPEN)
CRT 'INFO open of empty=':SOCKET.INFO('', SKT$INFO.OPEN)
CRT 'INFO open of a string=':SOCKET.INFO('socket', SKT$INFO.OPEN)
X = SERVER.ADDR('')
CRT 'INFO open after a failed call=':SOCKET.INFO(0, SKT$INFO.OPEN):' status=':STATUS()
CRT 'ER$ values ':ER$TIMEOUT:' ':ER$SKT.CLOSED:' ':ER$FAILED:' ':ER$BAD.KEY:' ':ER$BAD.NAME:' ':ER$CONNECT:' ':ER$BIND
CRT 'SKT$ values ':SKT$BLOCKING:' ':SKT$NON.BLOCKING:' ':SKT$STREAM:' ':SKT$DGRM:' ':SKT$TCP:' ':SKT$UDP:' ':SKT$ICMP
STOP
