/**
 * What each server of bench/seraphim.ts stands for, by its name: one decision, shared by the
 * printed table and the chart (which reads it back from the JSON).
 *
 * - `baseline`: the Node server SERAPHIM is measured against (`node-https`, `node-http`);
 * - `target`: SERAPHIM as it runs, held to the targets (`seraphim-https`, `seraphim-http`);
 * - `static`: SERAPHIM's static-file path, for information (`seraphim-static-https`);
 * - `flag-check`: a server run with the other kind's Node flags (`--flag-check`), for information;
 * - `bar`: nginx, the bar to chase, not this project's figure.
 */
export type ServerRole = 'baseline' | 'target' | 'static' | 'flag-check' | 'bar';

/** The name prefix of the --flag-check servers. */
export const FLAG_CHECK_PREFIX = 'flagcheck-';

/** The role of the server named `name` in bench/seraphim.ts's results. */
export function serverRole(name: string): ServerRole {
  if (name.startsWith(FLAG_CHECK_PREFIX)) return 'flag-check';
  if (name.startsWith('seraphim-static')) return 'static';
  if (name.startsWith('seraphim')) return 'target';
  if (name.startsWith('node-')) return 'baseline';
  return 'bar';
}
