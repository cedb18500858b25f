import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { readOfd, type OfdSignature } from '../ofd/index.js';
import { decodeSeal, decodeSesSignature, type DecodedSesSignatureV4 } from '../seals/index.js';
import {
  KEY_FILE,
  MAX_PKCS12_SIZE,
  WalletError,
  checkOfdPlacement,
  defaultWalletDir,
  enrol,
  fetchHeldLicence,
  fetchHeldLicences,
  fetchSeal,
  httpIssuer,
  importPkcs12,
  initWallet,
  openWallet,
  planWalletStamp,
  promptPassphrase,
  readWalletInfo,
  walletKeyLabel,
  writeDocumentFile,
  writeExportFile,
  type HeldLicence,
  type IssuedLicence,
  type LicenceIssuer,
  type LicenceSummary,
  type SealForStamping,
  type StampPlan,
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

  registerStampCommand(wallet, context, out);

  common(wallet.command('licences'))
    .description(
      "the enterprise's electronic licences, from the service (GET /api/v1/me/licences, authenticated by the licence key: a wallet proof)",
    )
    .option('--uscc <uscc>', 'which enterprise (needed when the wallet holds several licences)')
    .option('--service-url <url>', "the service's URL (default: PUBLIC_URL)")
    .action(
      walletAction(async (opts: WalletOptions & { uscc?: string; serviceUrl?: string }, cmd: Command) => {
        const output = out(cmd);
        const serviceUrl = opts.serviceUrl ?? context.config().publicUrl;
        const opened = await open(opts, output);
        const licences = await fetchHeldLicences(opened, { serviceUrl, uscc: opts.uscc });
        output.result({ licences }, () =>
          licences.length
            ? licences.flatMap((l, i) => [...(i ? [''] : []), ...describeHeld(l)])
            : ['the enterprise holds no electronic licences yet'],
        );
      }),
    );

  common(wallet.command('present'))
    .description(
      'print an SD-JWT presentation of one of the enterprise’s licences: only the claims named, with a key-binding JWT signed by the wallet key (P-256 wallets)',
    )
    .argument('<id>', 'the licence identifier (tongban wallet licences lists them)')
    .requiredOption('--disclose <claims>', 'the claims to disclose, comma-separated (e.g. name,uscc); "" for none')
    .requiredOption('--aud <url>', 'who the presentation is for: the verifier’s identifier (the key-binding JWT’s aud)')
    .requiredOption('--nonce <nonce>', 'the verifier’s nonce for this presentation')
    .option('--uscc <uscc>', 'which enterprise (needed when the wallet holds several licences)')
    .option('--service-url <url>', "the service's URL, where the licence is fetched (default: PUBLIC_URL)")
    .action(
      walletAction(
        async (
          id: string,
          opts: WalletOptions & { disclose: string; aud: string; nonce: string; uscc?: string; serviceUrl?: string },
          cmd: Command,
        ) => {
          const output = out(cmd);
          const disclose = opts.disclose
            .split(',')
            .map((claim) => claim.trim())
            .filter(Boolean);
          if (!opts.aud.trim()) throw new UsageError('--aud must name the verifier');
          if (!opts.nonce.trim()) throw new UsageError('--nonce must be the verifier’s nonce');
          // An SM2 key cannot sign a JOSE key-binding JWT: said before the passphrase is asked.
          if (readWalletInfo(walletDir(opts)).alg !== 'ES256')
            throw new WalletError(
              'KEY_BINDING_UNSUPPORTED',
              'this wallet’s key is SM2: JOSE has no SM2 algorithm, so it cannot sign the key-binding JWT of an SD-JWT presentation (a P-256 wallet can)',
            );
          const serviceUrl = opts.serviceUrl ?? context.config().publicUrl;
          const opened = await open(opts, output);
          const licence = await fetchHeldLicence(opened, id, { serviceUrl, uscc: opts.uscc });
          if (licence.status !== 'valid') output.note(`note: the licence ${licence.id} is ${licence.status}: a verifier will refuse it`);
          const presentation = await opened.present(licence.credential, { disclose, aud: opts.aud, nonce: opts.nonce });
          output.result(
            {
              id: licence.id,
              type: licence.type,
              status: licence.status,
              disclosed: disclose,
              aud: opts.aud,
              nonce: opts.nonce,
              presentation,
            },
            () => [presentation],
          );
        },
      ),
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

interface StampOptions extends WalletOptions {
  seal?: string;
  sealFile?: string;
  serviceUrl?: string;
  uscc?: string;
  out?: string;
  force?: boolean;
  page?: number;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

/** The largest file `wallet stamp` reads (an OFD package is limited to 128 MiB by the reader anyway). */
const MAX_STAMPED_FILE = 256 * 1024 * 1024;
/** The largest seal file read (tongban's seals are tens of KB; a seal picture is at most 256 KiB). */
const MAX_SEAL_FILE = 4 * 1024 * 1024;

/**
 * `tongban wallet stamp FILE`: a detached SES_Signature (FILE.sig) over any file, or, with --page
 * --x --y, the OFD document stamped (DOC.stamped.ofd). The seal comes from the seal-making
 * authority by its ID (its status checked there) or from a file; every refusal that needs no key
 * comes before the passphrase is asked.
 */
function registerStampCommand(wallet: Command, context: CliContext, out: (cmd: Command) => Output): void {
  common(wallet.command('stamp'))
    .description(
      'stamp a file with an electronic seal: a detached signature (FILE.sig), or with --page --x --y the OFD document stamped (DOC.stamped.ofd)',
    )
    .argument('<file>', 'the file to stamp (an OFD document for --page)')
    .option('--seal <id>', "the seal's esID: fetched from the service (GET /api/v1/seals/{id}), which also says whether it is revoked")
    .option('--seal-file <file>', 'a seal at hand (DER, e.g. seal.esl) instead; with --seal it must be that seal')
    .option('--service-url <url>', "the seal-making authority's URL for --seal (default: PUBLIC_URL)")
    .option('--uscc <uscc>', 'which licence signs (needed only when the seal lists several of the wallet’s)')
    .option('--out <file>', 'where to write (default: FILE.sig, or DOC.stamped.ofd beside an OFD stamped on a page)')
    .option('--force', 'overwrite the --out file if it exists')
    .option('--page <n>', 'stamp the OFD document on this page (from 1)', wholeNumber)
    .option('--x <mm>', "the stamp's left edge, millimetres from the page's left", millimetres)
    .option('--y <mm>', "the stamp's top edge, millimetres from the page's top", millimetres)
    .option('--width <mm>', "the stamp's width (default: the seal picture's)", millimetres)
    .option('--height <mm>', "the stamp's height (default: the seal picture's)", millimetres)
    .action(
      walletAction(async (file: string, opts: StampOptions, cmd: Command) => {
        const output = out(cmd);
        const onPage = [opts.page, opts.x, opts.y, opts.width, opts.height].some((v) => v !== undefined);
        if (onPage && (opts.page === undefined || opts.x === undefined || opts.y === undefined))
          throw new UsageError('stamping on a page takes --page N, --x MM and --y MM');
        if (!opts.seal && !opts.sealFile) throw new UsageError('name the seal: --seal ID (from the service) or --seal-file FILE.esl');
        if (opts.serviceUrl && !opts.seal) throw new UsageError('--service-url goes with --seal');
        const dir = walletDir(opts);
        readWalletInfo(dir); // NO_WALLET before anything else
        const data = readStampInput(file, MAX_STAMPED_FILE, 'the file to stamp');
        const target = opts.out ?? defaultStampOutput(file, onPage);
        if (!opts.force && existsSync(target)) throw new WalletError('FILE_EXISTS', `${target} exists; use --force to overwrite it`);

        const seal = await sealFor(opts, context);
        const plan = planWalletStamp(dir, { seal, uscc: opts.uscc });
        if (!('status' in seal))
          output.note(
            `(the seal ${plan.esID} was read from ${opts.sealFile!}: whether it is revoked was not asked; --seal ID alone asks the service)`,
          );

        const placement = onPage
          ? { seal, uscc: plan.licence.uscc, page: opts.page!, x: opts.x!, y: opts.y!, width: opts.width, height: opts.height }
          : undefined;
        if (placement) checkOfdPlacement(data, plan.seal, placement);

        const opened = await open(opts, output);
        const stamped = placement
          ? await opened.stampOfd(data, placement)
          : await opened.stampFile(data, { seal, uscc: plan.licence.uscc, propertyInfo: basename(file) });
        writeDocumentFile(target, stamped, { force: Boolean(opts.force) });
        const result = onPage
          ? describeOfdStamp(file, target, stamped, plan, opts.page!)
          : describeDetachedStamp(file, target, stamped, plan);
        output.result(result.json, () => result.lines);
      }),
    );
}

/** The seal to stamp with: from the service by esID (with its status), or from a file (the same seal as --seal names, when both are given). */
async function sealFor(opts: StampOptions, context: CliContext): Promise<Buffer | SealForStamping> {
  if (opts.sealFile) {
    const der = readStampInput(opts.sealFile, MAX_SEAL_FILE, 'the seal file');
    if (opts.seal) {
      let esID: string | undefined;
      try {
        const seal = decodeSeal(der);
        esID = seal.layout === 'v4' ? seal.eSealInfo.esID : seal.sealInfo.esID;
      } catch {
        esID = undefined; // refused as unreadable when it is checked
      }
      if (esID !== undefined && esID !== opts.seal)
        throw new WalletError('SEAL_MISMATCH', `${opts.sealFile} holds the seal ${esID}, not ${opts.seal}`);
    }
    return der;
  }
  return fetchSeal(opts.seal!, { serviceUrl: opts.serviceUrl ?? context.config().publicUrl });
}

function defaultStampOutput(file: string, onPage: boolean): string {
  if (!onPage) return `${file}.sig`;
  const name = basename(file);
  const stem = /\.ofd$/i.test(name) ? name.slice(0, -4) : name;
  return join(dirname(file), `${stem}.stamped.ofd`);
}

function describeDetachedStamp(file: string, target: string, der: Buffer, plan: StampPlan) {
  const signature = decodeSesSignature(der) as DecodedSesSignatureV4;
  const digest = { algorithm: plan.algorithm.digest, value: signature.toSign.dataHash.toString('hex') };
  return {
    json: { file, out: target, kind: 'detached', ...stampFacts(plan), digest, propertyInfo: signature.toSign.propertyInfo },
    lines: [
      `wrote ${target}: a detached electronic seal signature (GB/T 38540 SES_Signature) over ${file}`,
      ...stampLines(plan),
      `digest     ${digest.algorithm.toUpperCase()} ${digest.value}`,
    ],
  };
}

function describeOfdStamp(file: string, target: string, stamped: Buffer, plan: StampPlan, page: number) {
  const signatures = readOfd(stamped).documents.flatMap((document) => document.signatures);
  const added = signatures[signatures.length - 1] as OfdSignature;
  const annot = added.stampAnnots[0];
  return {
    json: {
      file,
      out: target,
      kind: 'ofd',
      ...stampFacts(plan),
      signature: { id: added.id, path: added.path, references: added.references.length },
      stamp: annot ? { page, pageId: annot.pageRef, ...annot.boundary } : null,
      signatures: signatures.length,
    },
    lines: [
      `wrote ${target}: ${file} stamped (signature ${added.id}, ${added.references.length} files protected by their SM3)`,
      ...stampLines(plan),
      ...(annot
        ? [
            `stamp      page ${page} at x ${annot.boundary.x}, y ${annot.boundary.y} mm, ${annot.boundary.width} × ${annot.boundary.height} mm`,
          ]
        : []),
      ...(signatures.length > 1 ? [`(${signatures.length} signatures in the document now)`] : []),
    ],
  };
}

function stampFacts(plan: StampPlan) {
  return {
    seal: { id: plan.esID, name: plan.seal.eSealInfo.property.name, type: plan.seal.eSealInfo.property.type },
    uscc: plan.licence.uscc,
    certificateSerial: plan.licence.serial,
    algorithm: plan.algorithm.walletAlg,
    signatureAlgID: plan.algorithm.signatureAlgID,
    signingTime: plan.signingTime.toISOString(),
  };
}

function stampLines(plan: StampPlan): string[] {
  const { name } = plan.seal.eSealInfo.property;
  return [
    `seal       ${plan.esID}  ${name}`,
    `signer     ${plan.licence.uscc}, licence certificate ${plan.licence.serial}`,
    `signature  ${plan.algorithm.walletAlg === 'SM2SM3' ? 'SM2 with SM3' : 'ECDSA P-256 with SHA-256'}, signed ${plan.signingTime.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
  ];
}

function readStampInput(file: string, maxSize: number, what: string): Buffer {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error();
    size = stat.size;
  } catch {
    throw new OperationError('NO_FILE', `cannot read ${file}`);
  }
  if (size > maxSize) throw new OperationError('FILE_TOO_LARGE', `${file} is too large for ${what} (${size} bytes; at most ${maxSize})`);
  try {
    return readFileSync(file);
  } catch {
    throw new OperationError('NO_FILE', `cannot read ${file}`);
  }
}

function wholeNumber(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new InvalidArgumentError('give a whole number from 1');
  return Number(value);
}

function millimetres(value: string): number {
  if (!/^\d{1,4}(\.\d{1,3})?$/.test(value)) throw new InvalidArgumentError('give millimetres, e.g. 120 or 35.5');
  return Number(value);
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

/** A licence the enterprise holds, in a few lines. */
function describeHeld(l: HeldLicence): string[] {
  const day = (iso: string) => iso.slice(0, 10);
  return [
    `${l.id}`,
    `  type      ${l.typeName.zh} (${l.typeName.en})`,
    `  status    ${l.status}${l.statusReason ? ` — ${l.statusReason}` : ''}`,
    `  valid     ${day(l.validFrom)} → ${day(l.validUntil)}`,
    `  issuer    ${l.issuer.name ?? l.issuer.clientId} (${l.issuer.code})`,
    `  claims    ${Object.keys(l.claims).join(', ')}`,
  ];
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
