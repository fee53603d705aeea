// TLS 1.2 session resumption as a real client sees it: openssl s_client saves a session to a file
// (-sess_out) and offers it again (-sess_in) to the same server or to another one, and says
// whether the server resumed it ("Reused") or made a new one ("New").
import type { ExecutionContext } from 'ava';
import { runCommand } from './seraphim-cli.js';

/** What one s_client handshake did. */
export interface SessionHandshake {
  /** `true` when the server resumed the offered session. */
  reused: boolean;
  /** s_client's whole output, for failure messages. */
  output: string;
}

/**
 * One TLS 1.2 handshake with openssl s_client against `host:port` (no request sent: its input is
 * empty, so it leaves after the handshake). `saveTo` writes the session to that file; `resume`
 * offers the session in that file; `bind` sets the client's own address (e.g. 127.0.0.2).
 */
export async function tls12Handshake(
  t: ExecutionContext,
  port: number,
  options: { saveTo?: string; resume?: string; bind?: string; host?: string } = {},
): Promise<SessionHandshake> {
  const args = ['s_client', '-connect', `${options.host ?? '127.0.0.1'}:${port}`, '-tls1_2', '-servername', 'localhost'];
  if (options.saveTo !== undefined) args.push('-sess_out', options.saveTo);
  if (options.resume !== undefined) args.push('-sess_in', options.resume);
  if (options.bind !== undefined) args.push('-bind', `${options.bind}:0`);
  const result = await runCommand(t, 'openssl', args, { timeoutMs: 20_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  const summary = /^(New|Reused), TLSv1\.2, Cipher is /m.exec(result.stdout)?.[1];
  if (summary === undefined) throw new Error(`openssl s_client made no TLS 1.2 handshake with port ${port} (exit ${result.code}): ${output.slice(-1500)}`);
  return { reused: summary === 'Reused', output };
}
