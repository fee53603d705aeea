// Compile-time tests of scarlet-sockets/seraphim, run by `tsc -p test/types/tsconfig.json`;
// nothing here is executed. Each `@ts-expect-error` must mark a real error: tsc fails on an unused
// one. A route handler gets a typed request (slugs, cookies, body helpers) and must answer a
// response; startSeraphim takes the main entry's TlsContext and refuses options it does not know.
import { createTlsContext, type TlsContext } from 'scarlet-sockets';
import {
  createRouter,
  HttpError,
  json,
  redirect,
  startSeraphim,
  text,
  type MultipartBody,
  type RouteHandler,
  type RouteRequest,
  type RouteTable,
  type SeraphimHandler,
  type SeraphimResponse,
  type SeraphimServer,
} from 'scarlet-sockets/seraphim';
import { type Equal, expectType } from './expect-type.js';

export async function routes(context: TlsContext): Promise<SeraphimServer> {
  const show: RouteHandler = async (request) => {
    expectType<Equal<typeof request, RouteRequest>>();
    expectType<Equal<typeof request.slugs, Record<string, string>>>();
    expectType<Equal<Awaited<ReturnType<typeof request.multipart>>, MultipartBody>>();
    if (request.cookies.session === undefined) throw new HttpError(401, 'sign in first');
    return json({ slug: request.slugs.slug });
  };
  const table: RouteTable = {
    'GET /posts/{slug}': show,
    'POST /posts': async (request) => redirect(`/posts/${String((await request.form()).slug)}`),
    // @ts-expect-error a handler answers a response, not a string
    'GET /plain': () => 'hello',
  };
  const handler: SeraphimHandler = createRouter(table, { limits: { maxFiles: 1 } });
  // @ts-expect-error no such body limit
  createRouter(table, { limits: { maxUploads: 1 } });
  const answer: SeraphimResponse = text('ok');
  expectType<Equal<typeof answer.status, number>>();

  // @ts-expect-error the site root is required
  await startSeraphim({ context });
  // @ts-expect-error the context is a TlsContext, not its options
  await startSeraphim({ root: '.', context: { cert: 'a.pem', key: 'b.pem' } });
  const server = await startSeraphim({ root: '.', context: createTlsContext({ cert: 'a.pem', key: 'b.pem' }), handler });
  expectType<Equal<typeof server.ports.https, number | undefined>>();
  return server;
}
