// The bench's baseline: plain Fastify answering a fixed JSON body (the size of a real status
// answer, given as PLAIN_BODY_FILE) with nothing else: no auth, no plugins, no database.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const body = readFileSync(process.env.PLAIN_BODY_FILE!, 'utf8');
const app = Fastify({ logger: false });
app.get('/plain', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(body));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('plain fastify ready');
