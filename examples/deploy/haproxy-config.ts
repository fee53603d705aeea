// The HAProxy configuration of docs/deploying.md (haproxy.cfg, beside this file) as the tests and
// the benchmark run it: the file itself, unchanged, with its "${NAME}" addresses given in
// HAProxy's environment, and optionally more sections after it (a frontend that reaches one
// instance alone, to tell which instance a connection reached).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The configuration file that docs/deploying.md shows. */
export const HAPROXY_CONFIG = fileURLToPath(new URL('./haproxy.cfg', import.meta.url));

/** Where HAProxy listens and the two SERAPHIM instances it balances, as `host:port`. */
export interface HaproxyAddresses {
  frontend: string;
  seraphim1: string;
  seraphim2: string;
}

/** The environment variables the configuration reads its addresses from. */
export function haproxyEnvironment(addresses: HaproxyAddresses): Record<string, string> {
  return { HAPROXY_FRONTEND: addresses.frontend, SERAPHIM_1: addresses.seraphim1, SERAPHIM_2: addresses.seraphim2 };
}

/**
 * A frontend on `bind` whose connections all go to one server at `server` (with the PROXY header
 * the main backend's servers get, but no health checks of its own), named `name`.
 */
export function singleServerFrontend(name: string, bind: string, server: string): string {
  return [
    '',
    `frontend only-${name}`,
    `    bind ${bind}`,
    `    default_backend only-${name}`,
    '',
    `backend only-${name}`,
    `    server ${name} ${server} send-proxy-v2`,
    '',
  ].join('\n');
}

/** The configuration file's text followed by `extra` sections. */
export function haproxyConfigText(extra: readonly string[] = []): string {
  return [readFileSync(HAPROXY_CONFIG, 'utf8'), ...extra].join('\n');
}
