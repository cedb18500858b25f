import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkCitizenId } from '../identifiers/citizen-id.js';
import { checkUscc } from '../identifiers/uscc.js';
import type { LicenceView } from '../licences/issuance/licences.dto.js';
import { UsageError, type CliContext } from './commands.js';
import { OperationError } from './operations.js';
import { Output, table } from './output.js';
import { runOperation } from './run-operation.js';

/** A claims file larger than this is not one. */
const MAX_CLAIMS_FILE = 256 * 1024;

interface IssueOptions {
  type?: string;
  holder?: string;
  claims?: string;
  issuer?: string;
  validFrom?: string;
  validUntil?: string;
  idempotencyKey?: string;
  out?: string;
  uscc?: string;
  csr?: string;
}

/**
 * `tongban licence issue|show|list|suspend|reinstate|revoke`: electronic licences (issue 13 §3,
 * §4) for operators, as an issuing authority's API calls do — issued as SD-JWT VCs (`--type
 * --holder --claims`), and, as before, the enterprise's electronic business licence certificate
 * for a CSR (`--uscc --csr`) and the revocation of a licence certificate (`--serial`).
 */
export function registerLicenceCommands(program: Command, context: CliContext): void {
  const out = (cmd: Command) => new Output(Boolean(cmd.optsWithGlobals().json));
  const licence = program
    .command('licence')
    .description('electronic licences: SD-JWT VCs of the licence types, and the electronic business licence certificate');

  licence
    .command('issue')
    .description(
      "issue a licence as an SD-JWT VC: --type, --holder (a citizen's ID number or an enterprise's USCC) and --claims FILE.json, for an issuing authority (--issuer); " +
        "or, with --uscc and --csr, an enterprise's electronic business licence certificate for the key in a CSR",
    )
    .option('--type <id>', 'the licence type (see `tongban licence-types list`)')
    .option('--holder <id-number|uscc>', "the holder: a citizen's ID number or an enterprise's USCC (active in the register)")
    .option('--claims <file>', "the licence's claims: a JSON object, as the type's schema says")
    .option('--issuer <client-id>', 'the issuing authority it is issued for (default: the only one allowed the type)')
    .option('--valid-from <date>', 'start of validity: YYYY-MM-DD (China time) or a date-time with offset (default: now)')
    .option('--valid-until <date>', "end of validity (default: the type's default validity from --valid-from)")
    .option('--idempotency-key <key>', 'run again with the same key: the licence issued the first time, not a second one')
    .option('--out <file>', 'also write the credential (the SD-JWT VC) to this file')
    .option('--uscc <uscc>', 'the business licence certificate: the enterprise (must be active in the register)')
    .option('--csr <file>', 'the business licence certificate: PKCS#10 certificate request, PEM')
    .action(async (opts: IssueOptions, cmd: Command) => {
      if (opts.csr || opts.uscc) {
        if (opts.type || opts.holder || opts.claims) throw new UsageError('give either --type, --holder and --claims, or --uscc and --csr');
        return issueCertificate(opts, cmd);
      }
      if (!opts.type || !opts.holder || !opts.claims)
        throw new UsageError('give --type, --holder and --claims FILE (or --uscc and --csr for a business licence certificate)');
      const holderKind = kindOf(opts.holder);
      const size = fileSize(opts.claims);
      if (size > MAX_CLAIMS_FILE) throw new OperationError('BAD_CLAIMS', `${opts.claims} is larger than ${MAX_CLAIMS_FILE / 1024} KiB`);
      const claimsFile = opts.claims;
      const result = (await runOperation(
        context.config(),
        'licences.issue',
        {
          type: opts.type,
          holder: opts.holder,
          holderKind,
          ...(opts.issuer ? { issuer: opts.issuer } : {}),
          ...(opts.validFrom ? { validFrom: opts.validFrom } : {}),
          ...(opts.validUntil ? { validUntil: opts.validUntil } : {}),
          ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
        },
        { input: () => createReadStream(claimsFile) },
      )) as LicenceView & { replayed: boolean };
      if (opts.out) write(opts.out, result.credential);
      out(cmd).result(result, () => [
        `${result.replayed ? 'already issued' : 'issued'} ${result.type} licence ${result.id}`,
        `  holder  ${holderText(result)}`,
        `  issuer  ${result.issuer.name ?? result.issuer.clientId} (${result.issuer.code})`,
        `  valid   ${result.validFrom} to ${result.validUntil}`,
        `  status  ${result.status} (list ${result.statusList.uri}, index ${result.statusList.idx})`,
        opts.out
          ? `the credential (SD-JWT VC) is in ${opts.out}`
          : 'the credential (SD-JWT VC) is in the --json output; --out FILE writes it',
      ]);
    });

  licence
    .command('show')
    .description('a licence: status (with reason and time), validity, holder, issuer, and its credential with --json')
    .argument('<id>', 'the licence identifier')
    .action(async (id: string, _opts, cmd: Command) => {
      const result = (await runOperation(context.config(), 'licences.show', { id })) as LicenceView;
      out(cmd).result(result, () => describe(result));
    });

  licence
    .command('list')
    .description("a holder's licences, newest first (revoked and expired ones included)")
    .requiredOption('--holder <id-number|uscc>', "a citizen's ID number or an enterprise's USCC")
    .action(async (opts: { holder: string }, cmd: Command) => {
      const result = (await runOperation(context.config(), 'licences.list', {
        holder: opts.holder,
        holderKind: kindOf(opts.holder),
      })) as { licences: Array<Omit<LicenceView, 'credential'>> };
      out(cmd).result(result, () =>
        result.licences.length
          ? table([
              ['ID', 'TYPE', 'STATUS', 'VALID UNTIL', 'ISSUER'],
              ...result.licences.map((l) => [l.id, l.type, l.status, l.validUntil.slice(0, 10), l.issuer.code]),
            ])
          : ['no licences'],
      );
    });

  for (const [action, what] of [
    ['suspend', 'suspend a licence until it is reinstated (its status list entry says suspended)'],
    ['reinstate', 'reinstate a suspended licence'],
  ] as const) {
    licence
      .command(action)
      .description(`${what} (as the operator, for its issuing authority)`)
      .argument('<id>', 'the licence identifier')
      .requiredOption('--reason <text>', 'why (kept with the licence)')
      .action(async (id: string, opts: { reason: string }, cmd: Command) => {
        const result = (await runOperation(context.config(), `licences.${action}`, { id, reason: opts.reason })) as LicenceView;
        out(cmd).result(result, () => describe(result));
      });
  }

  licence
    .command('revoke')
    .description('revoke a licence for good (its status list entry says invalid); or, with --serial, a licence certificate')
    .argument('[id]', 'the licence identifier')
    .option(
      '--reason <text>',
      'why: free text for a licence; for a certificate one of unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn',
    )
    .option('--serial <hex>', 'a licence certificate: its serial number (hex)')
    .action(async (id: string | undefined, opts: { reason?: string; serial?: string }, cmd: Command) => {
      if (opts.serial) {
        if (id) throw new UsageError('give a licence identifier or --serial, not both');
        const reason = opts.reason ?? 'unspecified';
        const result = await runOperation(context.config(), 'licence.revoke', { serial: opts.serial, reason });
        return out(cmd).result(result, () => [`revoked ${opts.serial} (${reason})`]);
      }
      if (!id) throw new UsageError('give the licence identifier (or --serial for a licence certificate)');
      if (!opts.reason) throw new UsageError('--reason is required to revoke a licence');
      const result = (await runOperation(context.config(), 'licences.revoke', { id, reason: opts.reason })) as LicenceView;
      out(cmd).result(result, () => describe(result));
    });

  /** The electronic business licence certificate (design §6), as `licence issue --uscc --csr` always did. */
  async function issueCertificate(opts: IssueOptions, cmd: Command): Promise<void> {
    if (!opts.uscc || !opts.csr) throw new UsageError('give both --uscc and --csr');
    let csr: string;
    try {
      csr = readFileSync(opts.csr, 'utf8');
    } catch {
      throw new OperationError('NO_FILE', `cannot read ${opts.csr}`);
    }
    const result = (await runOperation(context.config(), 'licence.issue', { uscc: opts.uscc, csr })) as {
      serial: string;
      certificate: string;
      enterprise: { name: string };
    };
    out(cmd).result(result, () => [`issued licence ${result.serial} to ${result.enterprise.name}`, result.certificate.trim()]);
  }
}

function kindOf(holder: string): 'citizen' | 'enterprise' {
  if (checkCitizenId(holder).valid) return 'citizen';
  if (checkUscc(holder).valid) return 'enterprise';
  throw new UsageError("--holder must be a citizen's ID number or an enterprise's unified social credit code");
}

function fileSize(file: string): number {
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error();
    return stat.size;
  } catch {
    throw new OperationError('NO_FILE', `cannot read ${file}`);
  }
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, `${text}\n`);
  } catch (err) {
    throw new OperationError('FILE_UNWRITABLE', `cannot write ${file}: ${(err as Error).message}`);
  }
}

function holderText(licence: Pick<LicenceView, 'holder'>): string {
  const h = licence.holder;
  return h.kind === 'citizen' ? `${h.name} (${h.idNumberMasked ?? ''})` : `${h.name} (${h.uscc ?? ''})`;
}

function describe(licence: LicenceView): string[] {
  return [
    `${licence.id}  ${licence.typeName.zh} / ${licence.typeName.en}`,
    `  status  ${licence.status}${licence.statusReason ? ` — ${licence.statusReason}` : ''}${licence.statusChangedAt ? ` (${licence.statusChangedAt})` : ''}`,
    `  holder  ${holderText(licence)}`,
    `  issuer  ${licence.issuer.name ?? licence.issuer.clientId} (${licence.issuer.code})`,
    `  valid   ${licence.validFrom} to ${licence.validUntil}`,
    `  status list ${licence.statusList.uri} index ${licence.statusList.idx}`,
  ];
}
