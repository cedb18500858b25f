import { request } from 'node:http';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { OperationError } from './operations.js';
import { PARAMS_HEADER } from './control-server.js';

/** Runs an operation in the process that holds the data directory, streaming `input` to it. */
export function callOverControlSocket(
  socketPath: string,
  name: string,
  params: Record<string, unknown>,
  input: Readable | undefined,
  onEvent: (event: Record<string, unknown>) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: `/ops/${name}`, method: 'POST', agent: false, headers: { [PARAMS_HEADER]: encodeURIComponent(JSON.stringify(params)) } },
      async (res) => {
        let settled = false;
        try {
          for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
            if (!line.trim()) continue;
            const message = JSON.parse(line) as { event?: Record<string, unknown>; result?: unknown; error?: { code: string; message: string } };
            if (message.event) onEvent(message.event);
            else if (message.error) {
              settled = true;
              reject(new OperationError(message.error.code, message.error.message));
            } else if ('result' in message) {
              settled = true;
              resolve(message.result);
            }
          }
          if (!settled) reject(new OperationError('CONTROL_SOCKET', `the service closed the connection without an answer (HTTP ${res.statusCode})`));
        } catch (err) {
          reject(err);
        }
      },
    );
    req.on('error', (err) => reject(new OperationError('CONTROL_SOCKET', `cannot reach the running service on ${socketPath}: ${err.message}`)));
    if (input) {
      input.on('error', (err) => req.destroy(err));
      input.pipe(req);
    } else req.end();
  });
}
