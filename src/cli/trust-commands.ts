import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { TrustAnchorView } from '../pki/trust-anchors.js';
import type { CliContext } from './commands.js';
import { OperationError } from './operations.js';
import { Output, table } from './output.js';
import { runOperation } from './run-operation.js';

/** A CA certificate file is small; anything larger is not one. */
const MAX_CERTIFICATE_FILE = 64 * 1024;

/**
 * `tongban trust add|list|remove`: the operator's trust anchors — other CAs' certificates (the
 * provinces', the licensed seal vendors') that verification chains certificates tongban did not
 * issue to. They run in the service (through its control socket when it holds the embedded
 * database); every replica uses a change within seconds. The certificate file is read here.
 */
export function registerTrustCommands(program: Command, context: CliContext): void {
  const out = (cmd: Command) => new Output(Boolean(cmd.optsWithGlobals().json));
  const trust = program
    .command('trust')
    .description("trust anchors: other CAs' certificates that verification accepts chains to (besides tongban's own roots)");

  trust
    .command('add')
    .description('add a CA certificate (PEM or DER; basicConstraints cA, keyCertSign; a P-256, SM2 or RSA ≥ 2048 key) as a trust anchor')
    .argument('<cert>', 'the CA certificate file (one certificate)')
    .option('--name <name>', "a name for it in reports and lists (default: the certificate's common name)")
    .action(async (file: string, opts: { name?: string }, cmd: Command) => {
      const bytes = readCertificateFile(file);
      const pem = bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN');
      const result = (await runOperation(context.config(), 'trust.add', {
        ...(pem ? { pem: bytes.toString('latin1') } : { der: bytes.toString('base64') }),
        ...(opts.name !== undefined ? { name: opts.name } : {}),
      })) as TrustAnchorView;
      const output = out(cmd);
      for (const warning of result.warnings ?? []) output.note(`warning: ${warning}`);
      output.result(result, () => [
        `added trust anchor ${result.id} "${result.name}"`,
        ...describe(result),
        'every replica of the service uses it within seconds',
      ]);
    });

  trust
    .command('list')
    .description('the trust anchors in force (tongban’s own roots are always trusted and not listed)')
    .action(async (_opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'trust.list', {})) as { anchors: TrustAnchorView[] };
      out(cmd).result(result, () =>
        result.anchors.length
          ? table([
              ['ID', 'NAME', 'KEY', 'VALID TO', 'SHA-256', 'SUBJECT'],
              ...result.anchors.map((a) => [a.id, a.name, a.keyType, a.notAfter.slice(0, 10), a.sha256.slice(0, 16), a.subject]),
            ])
          : ['no trust anchors: certificates tongban did not issue have no chain (INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND)'],
      );
    });

  trust
    .command('remove')
    .description('stop trusting an anchor (kept on record with the time); signatures chaining only to it get no chain again')
    .argument('<id>', 'its ID (see trust list)')
    .action(async (id: string, _opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'trust.remove', { id })) as TrustAnchorView;
      out(cmd).result(result, () => [`removed trust anchor ${result.id} "${result.name}"`, ...describe(result)]);
    });
}

function describe(anchor: TrustAnchorView): string[] {
  return [
    `  subject   ${anchor.subject}`,
    `  issuer    ${anchor.issuer}${anchor.selfSigned ? ' (self-signed)' : ''}`,
    `  key       ${anchor.keyType}`,
    `  valid     ${anchor.notBefore} to ${anchor.notAfter}`,
    `  sha256    ${anchor.sha256}`,
  ];
}

function readCertificateFile(file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new OperationError('NO_FILE', `cannot read ${file}`);
  }
  if (bytes.length > MAX_CERTIFICATE_FILE) throw new OperationError('BAD_CERTIFICATE', `${file} is too large for a certificate`);
  return bytes;
}
