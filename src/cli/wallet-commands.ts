import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Command } from 'commander';
import {
  KEY_FILE,
  MAX_PKCS12_SIZE,
  WalletError,
  defaultWalletDir,
  enrol,
  httpIssuer,
  importPkcs12,
  initWallet,
  openWallet,
  promptPassphrase,
  readWalletInfo,
  walletKeyLabel,
  writeExportFile,
  type IssuedLicence,
  type LicenceIssuer,
  type LicenceSummary,
  type Wallet,
  type WalletAlg,
} from '../wallet/index.js';
import { UsageError, type CliContext } from './commands.js';
import { OperationError } from './operations.js';
import { Output } from './output.js';
import { runOperation } from './run-operation.js';

/** The passphrase never comes from a plain argument (it would sit in shell history and `ps`). */
export const PASSPHRASE_ENV = 'TONGBAN_WALLET_PASSPHRASE';
export const ISSUER_SECRET_ENV = 'TONGBAN_ISSUER_CLIENT_SECRET';

interface WalletOptions {
  wallet?: string;
  passphraseFile?: string;
}

/**
 * `tongban wallet …`: the holder side of the electronic business licence (design §6, §11), a thin
 * client of src/wallet. Works without any service configuration except `enrol` (which issues
 * through the service, locally or over HTTP).
 */
export function registerWalletCommands(program: Command, context: CliContext): void {
  const out = (cmd: Command) => new Output(Boolean(cmd.optsWithGlobals().json));
  const wallet = program
    .command('wallet')
    .description("the holder's wallet: the licence key (encrypted under a passphrase) and the licences issued for it");

  common(wallet.command('init'))
    .description('create the wallet and its key (ECDSA P-256, or SM2 with --alg sm2), encrypted under a passphrase')
    .option('--alg <alg>', 'the key: p256 (ECDSA P-256, the default) or sm2 (SM2 with SM3, the national algorithms)', 'p256')
    .option('--force', 'replace an existing key (the old key and its licences are moved to retired/)')
    .action(
      walletAction(async (opts: WalletOptions & { force?: boolean; alg: string }, cmd: Command) => {
        const output = out(cmd);
        const alg = WALLET_ALGS[opts.alg.toLowerCase()];
        if (!alg) throw new UsageError(`--alg must be p256 or sm2, not ${opts.alg}`);
        const dir = walletDir(opts);
        const passphrase = await readPassphrase(opts, output, { confirm: true });
        const created = await initWallet(dir, passphrase, { force: Boolean(opts.force), alg });
        output.result({ wallet: dir, alg: created.alg, thumbprint: created.thumbprint }, () => [
          `created a wallet in ${dir}`,
          `key  ${keyText(created.alg)}, thumbprint ${created.thumbprint}`,
          'next: `tongban wallet enrol --uscc <USCC>` to have the licence certificate issued for this key',
        ]);
      }),
    );

  common(wallet.command('enrol'))
    .description('have the licence certificate of an enterprise issued for the wallet key, and keep it')
    .requiredOption('--uscc <uscc>', "the enterprise's unified social credit code")
    .option('--name <name>', 'the enterprise name to put in the request (the CA takes the registered one)')
    .option('--issuer-client-id <id>', 'issue over HTTP as this service client (scope licence:issue); without: locally, as the operator')
    .option('--issuer-client-secret <secret>', `its secret (or the environment variable ${ISSUER_SECRET_ENV})`)
    .option('--issuer-url <url>', "the service's URL for --issuer-client-id (default: PUBLIC_URL)")
    .action(
      walletAction(
        async (
          opts: WalletOptions & { uscc: string; name?: string; issuerClientId?: string; issuerClientSecret?: string; issuerUrl?: string },
          cmd: Command,
        ) => {
          const output = out(cmd);
          const issue = issuerFor(opts, context, output);
          const opened = await open(opts, output);
          const stored = await enrol(opened, { uscc: opts.uscc, name: opts.name, issue });
          const summary = readWalletInfo(opened.dir).licences.find((l) => l.uscc === stored.uscc)!;
          output.result({ wallet: opened.dir, licence: summary }, () => [
            `enrolled: the licence of ${stored.uscc} is in ${opened.dir}`,
            ...describe(summary),
          ]);
        },
      ),
    );

  common(wallet.command('show'))
    .description("the wallet's key thumbprint and licences: enterprise, serial, validity, subject (never the key)")
    .option('--uscc <uscc>', "only this enterprise's licence")
    .action(
      walletAction(async (opts: WalletOptions & { uscc?: string }, cmd: Command) => {
        const output = out(cmd);
        const dir = walletDir(opts);
        const info = readWalletInfo(dir);
        // Showing needs no passphrase; one given (file or environment) is checked, so a holder can test it.
        const passphrase = passphraseWithoutPrompt(opts);
        const unlocked = passphrase === undefined ? undefined : (await openWallet(dir, passphrase), true);
        let licences = info.licences;
        if (opts.uscc) {
          licences = licences.filter((l) => l.uscc === opts.uscc!.toUpperCase());
          if (!licences.length) throw new WalletError('NO_LICENCE', `this wallet holds no licence for ${opts.uscc}`);
        }
        const result = { ...info, licences, ...(unlocked ? { passphrase: 'ok' } : {}) };
        output.result(result, () => [
          `wallet   ${dir}`,
          `key      ${keyText(info.alg)}, thumbprint ${info.thumbprint}${unlocked ? '  (passphrase ok)' : ''}`,
          ...(licences.length
            ? licences.flatMap((l) => ['', ...describe(l)])
            : ['', 'no licences yet: `tongban wallet enrol --uscc <USCC>`']),
        ]);
      }),
    );

  common(wallet.command('export'))
    .description(
      'write the licence key, its certificate and the CA certificates to a PKCS#12 file for other signing tools, protected by the wallet passphrase',
    )
    .requiredOption('--p12 <file>', 'the PKCS#12 file to write (mode 0600)')
    .option('--uscc <uscc>', 'which licence (needed when the wallet holds several)')
    .option('--force', 'overwrite the file if it exists')
    .action(
      walletAction(async (opts: WalletOptions & { p12: string; uscc?: string; force?: boolean }, cmd: Command) => {
        const output = out(cmd);
        const dir = walletDir(opts);
        readWalletInfo(dir); // NO_WALLET before asking for a passphrase
        if (!opts.force && existsSync(opts.p12)) throw new WalletError('FILE_EXISTS', `${opts.p12} exists; use --force to overwrite it`);
        const passphrase = await readPassphrase(opts, output);
        const opened = await openWallet(dir, passphrase);
        const licence = opened.chooseLicence(opts.uscc);
        const p12 = await opened.exportPkcs12({ uscc: licence.uscc, passphrase });
        writeExportFile(opts.p12, p12, { force: Boolean(opts.force) });
        const certificates = 1 + licence.chain.length;
        output.result({ file: opts.p12, format: 'pkcs12', uscc: licence.uscc, thumbprint: opened.thumbprint, certificates }, () => [
          `wrote ${opts.p12}: the licence key of ${licence.uscc}${licence.enterpriseName ? ` ${licence.enterpriseName}` : ''}, its certificate and ${licence.chain.length} CA certificate${licence.chain.length === 1 ? '' : 's'} (PKCS#12, protected by the wallet passphrase)`,
        ]);
        output.note('keep the file as safe as the wallet: with it and the passphrase anyone can sign as the enterprise');
      }),
    );

  common(wallet.command('import'))
    .description(
      'make the wallet from a PKCS#12 file holding the licence key and its certificate (from `wallet export`, `openssl pkcs12 -export`, …)',
    )
    .requiredOption('--p12 <file>', 'the PKCS#12 file to read; its password becomes the wallet passphrase')
    .option('--force', 'replace an existing wallet (the old key and its licences are moved to retired/)')
    .action(
      walletAction(async (opts: WalletOptions & { p12: string; force?: boolean }, cmd: Command) => {
        const output = out(cmd);
        const dir = walletDir(opts);
        const p12 = readInputFile(opts.p12, MAX_PKCS12_SIZE);
        if (!opts.force && existsSync(join(dir, KEY_FILE))) {
          throw new WalletError(
            'WALLET_EXISTS',
            `${dir} already holds a wallet key; use --force to replace it (the old key is kept in ${join(dir, 'retired')})`,
          );
        }
        const passphrase = await readPassphrase(opts, output);
        const imported = await importPkcs12(dir, p12, { passphrase, force: Boolean(opts.force) });
        const summary = readWalletInfo(dir).licences.find((l) => l.uscc === imported.licence.uscc)!;
        const result = {
          wallet: dir,
          alg: imported.wallet.alg,
          thumbprint: imported.wallet.thumbprint,
          licence: summary,
          certificatesLeftOut: imported.certificatesLeftOut,
        };
        output.result(result, () => [
          `imported into ${dir}`,
          `key  ${keyText(imported.wallet.alg)}, thumbprint ${imported.wallet.thumbprint}`,
          '',
          ...describe(summary),
          ...(imported.certificatesLeftOut
            ? ['', `(${imported.certificatesLeftOut} certificate(s) in the file not above the licence were left out)`]
            : []),
        ]);
      }),
    );

  common(wallet.command('login'))
    .description('sign in as the enterprise: answer the challenge shown on the sign-in page (its text, or - to read it from stdin)')
    .argument('<challenge>', 'the "tongban-login:…" text under the QR code, or -')
    .option('--uscc <uscc>', 'which licence to use (needed when the wallet holds several)')
    .option('--expect-url <url>', 'refuse a challenge for any other service than this PUBLIC_URL')
    .action(
      walletAction(async (challenge: string, opts: WalletOptions & { uscc?: string; expectUrl?: string }, cmd: Command) => {
        const output = out(cmd);
        const text = challenge === '-' ? readFileSync(0, 'utf8') : challenge;
        const opened = await open(opts, output);
        const result = await opened.login(text, { uscc: opts.uscc, expectedAudience: opts.expectUrl });
        output.result(result, () => [
          `signed in to ${result.aud} as ${result.enterpriseName} (${result.uscc}): continue on the sign-in page`,
        ]);
      }),
    );
}

/** `--alg` values of `wallet init`. */
const WALLET_ALGS: Record<string, WalletAlg | undefined> = { p256: 'ES256', sm2: 'SM2SM3' };

/** "ES256 (ECDSA P-256)", "SM2SM3 (SM2)". */
function keyText(alg: WalletAlg): string {
  return `${alg} (${walletKeyLabel(alg)})`;
}

/** The options every wallet command takes. */
function common(cmd: Command): Command {
  return cmd
    .option('--wallet <dir>', 'the wallet directory (default: $TONGBAN_WALLET, else ~/.tongban/wallet)')
    .option('--passphrase-file <file>', `read the passphrase from this file (else $${PASSPHRASE_ENV}, else a prompt on the terminal)`);
}

/** Wallet errors keep their stable code on the way out (`--json` prints it). */
function walletAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      if (err instanceof WalletError) throw new OperationError(err.code, err.message);
      throw err;
    }
  };
}

function walletDir(opts: WalletOptions): string {
  return opts.wallet ?? defaultWalletDir();
}

async function open(opts: WalletOptions, output: Output): Promise<Wallet> {
  const dir = walletDir(opts);
  readWalletInfo(dir); // NO_WALLET before asking for a passphrase
  return openWallet(dir, await readPassphrase(opts, output));
}

/** A file given on the command line (NO_FILE when it cannot be read; P12_UNREADABLE when too large to be what it should). */
function readInputFile(file: string, maxSize: number): Buffer {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error();
    size = stat.size;
  } catch {
    throw new OperationError('NO_FILE', `cannot read ${file}`);
  }
  if (size > maxSize) throw new WalletError('P12_UNREADABLE', `${file} is too large for a PKCS#12 licence key (${size} bytes)`);
  try {
    return readFileSync(file);
  } catch {
    throw new OperationError('NO_FILE', `cannot read ${file}`);
  }
}

function passphraseWithoutPrompt(opts: WalletOptions): string | undefined {
  if (opts.passphraseFile) {
    let text: string;
    try {
      if (!statSync(opts.passphraseFile).isFile()) throw new Error();
      text = readFileSync(opts.passphraseFile, 'utf8');
    } catch {
      throw new OperationError('NO_FILE', `cannot read the passphrase file ${opts.passphraseFile}`);
    }
    // The file's one line; its line ending is not part of the passphrase.
    return text.replace(/\r?\n$/, '');
  }
  const env = process.env[PASSPHRASE_ENV];
  return env === undefined || env === '' ? undefined : env;
}

async function readPassphrase(opts: WalletOptions, output: Output, options: { confirm?: boolean } = {}): Promise<string> {
  const given = passphraseWithoutPrompt(opts);
  if (given !== undefined) {
    if (opts.passphraseFile && (statSync(opts.passphraseFile).mode & 0o077) !== 0)
      output.note(`warning: ${opts.passphraseFile} is readable by other users (chmod 600 it)`);
    return given;
  }
  if (!process.stdin.isTTY)
    throw new UsageError(`no passphrase: give --passphrase-file FILE or set ${PASSPHRASE_ENV} (there is no terminal to ask on)`);
  const passphrase = await promptPassphrase('wallet passphrase: ');
  if (options.confirm && (await promptPassphrase('again, to confirm: ')) !== passphrase) throw new UsageError('the two passphrases differ');
  return passphrase;
}

function issuerFor(
  opts: { issuerClientId?: string; issuerClientSecret?: string; issuerUrl?: string },
  context: CliContext,
  output: Output,
): LicenceIssuer {
  const secret = opts.issuerClientSecret ?? process.env[ISSUER_SECRET_ENV];
  if (opts.issuerClientId) {
    if (!secret) throw new UsageError(`--issuer-client-id needs --issuer-client-secret (or ${ISSUER_SECRET_ENV})`);
    const publicUrl = opts.issuerUrl ?? context.config().publicUrl;
    return httpIssuer({ publicUrl, clientId: opts.issuerClientId, clientSecret: secret });
  }
  if (opts.issuerClientSecret || opts.issuerUrl) throw new UsageError('--issuer-client-secret and --issuer-url go with --issuer-client-id');
  // Without credentials: the operator's path, on the service's machine (or its database).
  return async (csr, uscc) => {
    try {
      return (await runOperation(
        context.config(),
        'licence.issue',
        { uscc, csr },
        {
          onPlace: (place, pid) =>
            place === 'service' && output.note(`(the service, pid ${pid}, holds the embedded database: issuing through it)`),
        },
      )) as IssuedLicence;
    } catch (err) {
      if (err instanceof OperationError && err.code === 'UNKNOWN_OPERATION') {
        throw new OperationError(
          'UNKNOWN_OPERATION',
          'this build cannot issue licences locally: give --issuer-client-id and --issuer-client-secret',
        );
      }
      throw err;
    }
  };
}

function describe(l: LicenceSummary): string[] {
  return [
    `${l.uscc}  ${l.enterpriseName ?? ''}`.trimEnd(),
    `  serial    ${l.serial}${l.certificateSerial && l.certificateSerial !== l.serial ? `  (certificate ${l.certificateSerial})` : ''}`,
    `  valid     ${l.notBefore.slice(0, 19).replace('T', ' ')} → ${l.notAfter.slice(0, 19).replace('T', ' ')} UTC  (${l.state.replace(/_/g, ' ')})`,
    `  subject   ${l.subject}`,
    `  issuer    ${l.issuer}`,
  ];
}
