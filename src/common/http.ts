import type { FastifyRequest } from 'fastify';

/** A request as controllers that read it directly see it: query and route parameters as strings. */
export type HttpRequest = FastifyRequest<{
  Querystring: Record<string, string | string[] | undefined>;
  Params: Record<string, string>;
  Body: unknown;
}>;
