import { WalletError } from './errors.js';

/**
 * Asks for a passphrase on the terminal with echo off (raw mode: nothing typed is shown).
 * Enter ends it; Ctrl-C or Ctrl-D cancels (CANCELLED); Backspace removes a character.
 */
export function promptPassphrase(
  question: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  if (!input.isTTY) return Promise.reject(new WalletError('CANCELLED', 'no terminal to ask for the passphrase on'));
  output.write(question);
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    let escape = false;
    const finish = (error?: WalletError) => {
      input.removeListener('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (escape) {
          // Skip terminal escape sequences (arrow keys, bracketed paste markers) up to their final letter or ~.
          if (/[A-Za-z~]/.test(ch)) escape = false;
          continue;
        }
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && !value)) return finish(new WalletError('CANCELLED', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u001b') escape = true;
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
  });
}
