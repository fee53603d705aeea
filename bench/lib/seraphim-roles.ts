/**
 * What each server of bench/seraphim.ts stands for, by its name: one decision, shared by the
 * printed table and the chart (which reads it back from the JSON); the targets each is held to
 * are in seraphim-targets.ts.
 *
 * - `baseline`: the Node server SERAPHIM is measured against (`node-https`, `node-http`);
 * - `target`: SERAPHIM's handler path as it runs (`seraphim-https`, `seraphim-http`);
 * - `static`: SERAPHIM's static-file path as it runs (`seraphim-static-https`), held to the same
 *   targets against node:https, and to nginx's;
 * - `flag-check`: SERAPHIM or node:https run with other Node flags (`--flag-check`), for
 *   information;
 * - `floor`: node:tls answering with responses built at start, no HTTP (`floor-https`,
 *   bench/lib/tls-floor.ts): what Node's TLS sockets cost per request, for information;
 * - `bar`: nginx, the bar SERAPHIM's static-file path is held to; not this project's figure.
 */
export type ServerRole = 'baseline' | 'target' | 'static' | 'flag-check' | 'floor' | 'bar';

/** The name prefix of the --flag-check servers. */
export const FLAG_CHECK_PREFIX = 'flagcheck-';

/** The role of the server named `name` in bench/seraphim.ts's results. */
export function serverRole(name: string): ServerRole {
  if (name.startsWith(FLAG_CHECK_PREFIX)) return 'flag-check';
  if (name.startsWith('seraphim-static')) return 'static';
  if (name.startsWith('seraphim')) return 'target';
  if (name.startsWith('node-')) return 'baseline';
  if (name.startsWith('floor-')) return 'floor';
  return 'bar';
}

/** Whether a role is SERAPHIM as it runs (its handler or its static-file path): the servers held to targets, run with SERAPHIM's Node flags. */
export function isSeraphim(role: ServerRole): boolean {
  return role === 'target' || role === 'static';
}
