import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { fileInfo, openFile } from '../../stores/files.store.js';
import { notFound } from '../http-error.js';
import { isVisibleTo } from '../ownership.js';

/** Stored images for their owner and for admins (reviewers); anyone else gets 404. */
export const fileRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/files/:fileId', { schema: { summary: 'A stored image or video, for its owner or an admin', params: z.object({ fileId: z.string().regex(/^[0-9a-f]{24}$/, 'a file id') }) } }, async (request, reply) => {
    const info = await fileInfo(db, request.params.fileId);
    if (!info || !isVisibleTo(info.owner, request.user)) throw notFound('file');
    reply.header('content-type', info.contentType).header('cache-control', 'private, no-store');
    return reply.send(openFile(db, request.params.fileId));
  });
};
