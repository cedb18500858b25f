import { request, type IncomingMessage } from 'node:http';
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
      {
        socketPath,
        path: `/ops/${name}`,
        method: 'POST',
        agent: false,
        headers: { [PARAMS_HEADER]: encodeURIComponent(JSON.stringify(params)) },
      },
      // An answer that cannot be read (a broken line, the connection lost) fails the call.
      (res) => {
        readAnswer(res, onEvent).then(resolve, reject);
      },
    );
    req.on('error', (err) =>
      reject(new OperationError('CONTROL_SOCKET', `cannot reach the running service on ${socketPath}: ${err.message}`)),
    );
    if (input) {
      input.on('error', (err) => req.destroy(err));
      input.pipe(req);
    } else req.end();
  });
}

/**
 * Reads the service's JSON lines: events go to `onEvent` as they come; the first result is the
 * answer, the first error its failure. The rest of the response is still read to its end.
 */
async function readAnswer(res: IncomingMessage, onEvent: (event: Record<string, unknown>) => void): Promise<unknown> {
  let answer: { result: unknown } | { error: OperationError } | undefined;
  for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const message = JSON.parse(line) as { event?: Record<string, unknown>; result?: unknown; error?: { code: string; message: string } };
    if (message.event) onEvent(message.event);
    else if (answer) continue;
    else if (message.error) answer = { error: new OperationError(message.error.code, message.error.message) };
    else if ('result' in message) answer = { result: message.result };
  }
  if (!answer) throw new OperationError('CONTROL_SOCKET', `the service closed the connection without an answer (HTTP ${res.statusCode})`);
  if ('error' in answer) throw answer.error;
  return answer.result;
}
