import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AppConfig, LogLevel } from '../config/config.js';
import { maskCitizenIdsInText } from '../identifiers/citizen-id.js';

/**
 * Logs on stdout (or `destination`): JSON lines, or pino-pretty's readable lines for a person at a
 * terminal (LOG_FORMAT). Every line passes through the ID-number mask just before it is written,
 * so no code path (a URL, an error message, a stack) can put a full citizen ID in the log.
 */
export function createRootLogger(level: LogLevel, destination?: DestinationStream, format: AppConfig['logFormat'] = 'json'): Logger {
  return pino(
    {
      level,
      base: { service: 'tongban' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: maskCitizenIdsInText },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    },
    destination ?? stdoutDestination(format),
  );
}

function stdoutDestination(format: AppConfig['logFormat']): DestinationStream {
  if (format === 'pretty' || (format === 'auto' && process.stdout.isTTY)) {
    // In-process (not a transport worker thread): a terminal's log rate is a person's.
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true });
  }
  return pino.destination({ dest: 1, sync: false });
}

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);
const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Told of every finished request: its method, route template ('unmatched' when none), status and duration. */
export type RequestObserver = (method: string, route: string, statusCode: number, seconds: number) => void;

/**
 * Fastify onRequest hook: gives every request an id (the caller's X-Request-Id when it is a
 * plain token, else a UUID), echoes it in X-Request-Id, and when the response is done logs one
 * line — info, warn for 4xx, error for 5xx or a connection closed before the answer — and tells
 * `observe` (the metrics), from one listener per request. The URL is logged as received; the
 * ID-number mask in createRootLogger rewrites it on the way out.
 */
export function accessLogHook(logger: Logger, observe: RequestObserver = () => undefined) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const incoming = request.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    reply.raw.setHeader('x-request-id', id);
    const started = performance.now();
    reply.raw.once('close', () => {
      const { statusCode, writableFinished } = reply.raw;
      const ms = performance.now() - started;
      if (writableFinished) observe(request.method, request.routeOptions.url ?? 'unmatched', statusCode, ms / 1000);
      if (QUIET_PATHS.has(request.url)) return;
      const level = !writableFinished || statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: { id, method: request.method, url: request.url, remoteAddress: request.ip },
          res: { statusCode },
          responseTime: Math.round(ms),
        },
        writableFinished ? 'request completed' : 'request aborted',
      );
    });
    done();
  };
}
