import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { pemBlocks, toPem } from '../pki/x509.js';
import { SEAL_REVOCATION_REASONS } from '../seals/seal-store.js';
import type { SealView } from '../seals/seals.dto.js';
import { UsageError, type CliContext } from './commands.js';
import { OperationError } from './operations.js';
import { Output, table } from './output.js';
import { runOperation } from './run-operation.js';

interface MakeOptions {
  uscc: string;
  name: string;
  type: string;
  signerCert: string[];
  picture?: string;
  pictureSize?: { widthMm: number; heightMm: number };
  validStart?: string;
  validEnd?: string;
  alg: 'sm2' | 'p256';
  out?: string;
  force?: boolean;
}

/**
 * `tongban seal make|list|revoke`: the seal-making authority's operator commands (design §8). They
 * run in the service (through its control socket when it holds the embedded database), as the
 * API's `POST /api/v1/seals` and `…/revoke` do; files are read and written here.
 */
export function registerSealCommands(program: Command, context: CliContext): void {
  const out = (cmd: Command) => new Output(Boolean(cmd.optsWithGlobals().json));
  const seal = program.command('seal').description('electronic seals (GB/T 38540): make, list and revoke them for enterprises');

  seal
    .command('make')
    .description("make a seal for an active enterprise, listing its licence certificates; signed by tongban's seal-maker key")
    .requiredOption('--uscc <uscc>', 'the enterprise (active in the register)')
    .requiredOption('--name <name>', "the seal's name: exactly the enterprise's registered name")
    .addOption(new Option('--type <type>', 'seal type: 1 公章, 3 发票专用章, 4 合同专用章').choices(['1', '3', '4']).default('1'))
    .requiredOption(
      '--signer-cert <file>',
      "a licence certificate of the enterprise: PEM (the file's first certificate), or a wallet's licences/<USCC>.json; repeatable",
      collect,
    )
    .option('--picture <file>', 'the seal picture (PNG); without it tongban draws the seal')
    .option('--picture-size <WxH>', 'the picture printed size in millimetres, e.g. 42x42 (default: the type’s usual size)', pictureSize)
    .option('--valid-start <date>', 'start of validity: YYYY-MM-DD (China time) or a date-time with offset (default: now)')
    .option(
      '--valid-end <date>',
      'end of validity: YYYY-MM-DD (through that day, China time) or a date-time with offset (default: the latest the certificates allow)',
    )
    .addOption(
      new Option('--alg <alg>', "the seal maker's signature: SM2 with SM3, or ECDSA P-256").choices(['sm2', 'p256']).default('sm2'),
    )
    .option('--out <file>', 'write the seal (DER) to this file, e.g. seal.esl')
    .option('--force', 'overwrite the --out file if it exists')
    .action(async (opts: MakeOptions, cmd: Command) => {
      const output = out(cmd);
      if (opts.pictureSize && !opts.picture) throw new UsageError('--picture-size goes with --picture');
      if (opts.out && !opts.force && existsSync(opts.out))
        throw new OperationError('FILE_EXISTS', `${opts.out} exists: use --force to overwrite it`);
      const signerCertificates = opts.signerCert.map((file) => {
        const blocks = readPem(file);
        if (blocks.length > 1) output.note(`(${file} holds ${blocks.length} certificates: the first is the signer)`);
        return toPem(blocks[0]);
      });
      const result = (await runOperation(context.config(), 'seal.make', {
        uscc: opts.uscc,
        name: opts.name,
        type: Number(opts.type),
        signerCertificates,
        ...(opts.picture ? { picture: readFile(opts.picture).toString('base64'), ...opts.pictureSize } : {}),
        ...(opts.validStart ? { validStart: opts.validStart } : {}),
        ...(opts.validEnd ? { validEnd: opts.validEnd } : {}),
        algorithm: opts.alg,
      })) as SealView & { seal: string };
      if (opts.out) writeOut(opts.out, Buffer.from(result.seal, 'base64'), Boolean(opts.force));
      output.result(result, () => [
        `made seal ${result.id} (${result.typeName}, ${result.algorithm === 'sm2' ? 'SM2/SM3' : 'ECDSA P-256'}) for ${result.name} (${result.holder.uscc})`,
        `valid ${result.validStart} to ${result.validEnd}; ${result.signers.length} signer certificate(s); picture ${result.picture.widthMm}×${result.picture.heightMm} mm${result.picture.drawn ? ', drawn by tongban' : ''}`,
        opts.out ? `written to ${opts.out}` : 'the seal (DER, base64) is in the --json output; --out FILE.esl writes it',
      ]);
    });

  seal
    .command('list')
    .description("an enterprise's seals, newest first (revoked ones included)")
    .requiredOption('--uscc <uscc>', 'the enterprise')
    .action(async (opts: { uscc: string }, cmd: Command) => {
      const result = (await runOperation(context.config(), 'seal.list', { uscc: opts.uscc })) as { seals: SealView[] };
      out(cmd).result(result, () =>
        result.seals.length
          ? table([
              ['ID', 'TYPE', 'STATUS', 'ALG', 'VALID TO', 'REVOKED', 'NAME'],
              ...result.seals.map((s) => [
                s.id,
                s.typeName,
                s.status,
                s.algorithm,
                s.validEnd.slice(0, 19).replace('T', ' '),
                s.revokedAt ? `${s.revokedAt.slice(0, 19).replace('T', ' ')} ${s.revocationReason ?? ''}` : '',
                s.name,
              ]),
            ])
          : [`no seals for ${opts.uscc.toUpperCase()}`],
      );
    });

  seal
    .command('revoke')
    .description('revoke a seal, at once and for good (stamps made before stay valid)')
    .argument('<id>', "the seal's esID")
    .addOption(new Option('--reason <reason>', 'why').choices([...SEAL_REVOCATION_REASONS]).makeOptionMandatory())
    .action(async (id: string, opts: { reason: string }, cmd: Command) => {
      const result = (await runOperation(context.config(), 'seal.revoke', { id, reason: opts.reason })) as SealView;
      out(cmd).result(result, () => [
        `revoked seal ${result.id} (${result.revocationReason ?? opts.reason}) at ${result.revokedAt ?? '?'}`,
      ]);
    });
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function pictureSize(value: string): { widthMm: number; heightMm: number } {
  const match = /^(\d{2,3})(?:x(\d{2,3}))?$/.exec(value);
  if (!match) throw new InvalidArgumentError('give the size in millimetres as WxH, e.g. 42x42 (or one number for a round seal)');
  return { widthMm: Number(match[1]), heightMm: Number(match[2] ?? match[1]) };
}

function readFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new OperationError('NO_FILE', `cannot read ${file}`);
  }
}

/**
 * The certificates in a PEM file, or in a JSON file with a `certificate` (PEM): a wallet's
 * `licences/<USCC>.json`, or what `tongban --json licence issue` printed.
 */
function readPem(file: string): Buffer[] {
  let blocks: Buffer[];
  try {
    let text = readFile(file).toString('utf8');
    if (text.trimStart().startsWith('{')) {
      const certificate = (JSON.parse(text) as { certificate?: unknown }).certificate;
      if (typeof certificate !== 'string') throw new Error('the JSON has no "certificate"');
      text = certificate;
    }
    blocks = pemBlocks(text, ['CERTIFICATE']);
  } catch (err) {
    if (err instanceof OperationError) throw err;
    throw new OperationError('BAD_CERTIFICATE', `${file} is not a PEM certificate file: ${(err as Error).message}`);
  }
  if (!blocks.length) throw new OperationError('BAD_CERTIFICATE', `${file} holds no PEM certificate`);
  return blocks;
}

function writeOut(file: string, bytes: Buffer, force: boolean): void {
  try {
    writeFileSync(file, bytes, { flag: force ? 'w' : 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new OperationError(
        'FILE_EXISTS',
        `${file} exists: the seal was made (see --json for it); use --force to overwrite, or another --out`,
      );
    throw new OperationError('FILE_UNWRITABLE', `cannot write ${file}: ${(err as Error).message}`);
  }
}
