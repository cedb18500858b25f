import { Logger } from '@nestjs/common';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { maskCitizenId } from '../identifiers/citizen-id-mask.js';
import { checkLicenceId } from '../identifiers/licence-id.js';
import type { KeyStore } from '../keys/keystore.service.js';
import { maskPersonName, type Licence } from '../licences/issuance/licence.js';
import type { LicencesService } from '../licences/issuance/licences.service.js';
import { verifySdJwtVc, type SdJwtVcVerification } from '../licences/sd-jwt/index.js';
import { readStatusListJwt, StatusType, type StatusListToken as ListToken } from '../licences/status-list/index.js';
import type { StatusListsService } from '../licences/status/status-lists.service.js';
import type { LicenceTypesService } from '../licences/types/index.js';
import type { ChainVerification, PkiService } from '../pki/pki.service.js';
import { failed, indeterminate, passed, verdictOf, type Finding } from './findings.js';
import { INDICATION_OF, ReportBuilder, SubIndication, type LicenceSection, type ReportNames, type ValidationReport } from './report.js';

/**
 * Verifying an electronic licence (design §9, issue 13 §8): an SD-JWT VC or a holder's
 * presentation of one, or a licence tongban issued named by its identifier. One report with the
 * checks, in order:
 *
 * - `format`, `signature`, `dataHash`, `keyBinding`, `validity`: the SD-JWT VC library's findings
 *   (src/licences/sd-jwt/verify.ts), with the issuer's key taken from the leaf of the header's
 *   `x5c` (the certificate whose key signed); without `x5c`, a `kid` of tongban's own licence keys.
 * - `chain`: that `x5c` checked by the PKI (tongban's roots, or an operator's trust anchor;
 *   validity now, revocation). No `x5c`, or a chain to nowhere: INDETERMINATE
 *   NO_CERTIFICATE_CHAIN_FOUND, never TOTAL_PASSED. A certificate tongban issued that is not one of
 *   its licence keys' (an enterprise's wallet certificate): INDETERMINATE CHAIN_CONSTRAINTS_FAILURE
 *   — tongban's root vouches for the enterprise, not for licences it signs. A certificate out of
 *   its validity now: INDETERMINATE OUT_OF_BOUNDS_NO_POE (a credential's `iat` is no proof of when
 *   it was signed).
 * - `revocation`: the Token Status List at `status.status_list`, only for a credential whose
 *   format, signature and chain passed. tongban's own lists are read in-process from the status
 *   list service and checked as any verifier would check them (the token's signature with the key
 *   of its `x5c`, chained to tongban's root; `sub` the URI; not expired); another issuer's are
 *   fetched over HTTPS (see fetchStatusListToken: public addresses, port 443, 3 s, 1 MiB, no
 *   redirects) and must chain to the same trust anchor as the credential. VALID: PASSED; INVALID:
 *   FAILED REVOKED; SUSPENDED: INDETERMINATE TRY_LATER (ETSI EN 319 102-1 has no suspension; a
 *   certificate on hold is TRY_LATER in src/pki/chain.ts and in the EU DSS validator, as it may be
 *   reinstated); a list that cannot be had or read, a status no one defined, or no status at all:
 *   INDETERMINATE TRY_LATER — never PASSED.
 *
 * By identifier the stored credential is verified the same way (no key binding), and its status
 * is read from tongban's register of licences at the moment of the call (suspensions and
 * revocations at once, with reason and time); the claims are never disclosed then (an identifier
 * is printed on the licence: whoever has it sees what the public check page shows, no more).
 */

/** Claims a credential keeps in the clear: in the report's licence section, not in `disclosed`. */
const CLEAR_CLAIMS = new Set(['iss', 'iat', 'nbf', 'exp', 'vct', 'vct#integrity', 'status', 'cnf', 'sub', '_sd_alg']);
/** A verified status list token (its signature and chain) is checked again after this long. */
const RECHECK_LIST_MS = 60_000;
/** Another issuer's status list: kept for its `ttl`, at most this long; a failure to get it, this long. */
const FOREIGN_MAX_CACHE_MS = 300_000;
const FOREIGN_FAILURE_CACHE_MS = 15_000;
const FOREIGN_CACHE_ENTRIES = 256;
/** Licence types are never changed once added: a type's name and holder kind are kept (an unknown id is asked again after this). */
const UNKNOWN_TYPE_MS = 2_000;
const TYPE_CACHE_ENTRIES = 1_024;

export interface LicenceVerifierDeps {
  pki: PkiService;
  keys: KeyStore;
  licences: LicencesService;
  statusLists: StatusListsService;
  types: LicenceTypesService;
  /** tongban's PUBLIC_URL: its status lists are `${publicUrl}/api/v1/status-lists/{n}`, its types `${publicUrl}/licence-types/{id}`. */
  publicUrl: string;
  /** How another issuer's status list token is fetched; fetchStatusListToken by default. */
  fetchStatusList?: (uri: string) => Promise<string>;
}

/** What the caller asks of a presentation: key binding to this audience and nonce (either given: a KB-JWT is required). */
export interface PresentationOptions {
  audience?: string;
  nonce?: string;
}

interface TypeSummary {
  id: string;
  name: { zh: string; en: string };
  holderKind: 'citizen' | 'enterprise';
}

interface ListRead {
  readonly token: ListToken;
  /** Where it came from, for the message. */
  readonly source: string;
}

export class LicenceVerifier {
  private readonly logger = new Logger('verification');
  private readonly fetchList: (uri: string) => Promise<string>;
  private readonly ownLists = new Map<number, { jwt: string; at: number; read: Promise<ListToken> }>();
  private readonly foreignLists = new Map<string, { until: number; read: Promise<{ token: ListToken; anchor?: string }> }>();
  private licenceKeys?: { revision: number; keys: Promise<KeyObject[]> };
  /** The catalogue's answer per type id (LicenceTypesService.find reads the issuing authorities each time: not per verification). */
  private readonly typeNames = new Map<string, { until: number; type: Promise<TypeSummary | null> }>();

  constructor(private readonly deps: LicenceVerifierDeps) {
    this.fetchList = deps.fetchStatusList ?? ((uri) => fetchStatusListToken(uri));
  }

  /** An SD-JWT VC, or a presentation of one (with a KB-JWT: required when an audience or nonce is given). */
  async credential(compact: string, options: PresentationOptions = {}): Promise<ValidationReport> {
    const at = new Date();
    const { result, chain } = await this.verifyCompact(compact, at, options);
    const chainFinding = this.chainFinding(result, chain, await this.leafIsLicenceKey(chain));
    const revocation = await this.revocation(result, chainFinding, chain, at);
    return this.report(at, result, { chain, finding: chainFinding }, revocation.finding, { status: revocation.status });
  }

  /** A licence tongban issued, by its identifier: the stored credential verified, its status read now. */
  async id(value: string): Promise<ValidationReport> {
    const at = new Date();
    const checked = checkLicenceId(value);
    if (!checked.valid) {
      const why = (checked.errors ?? []).map((e) => e.message).join('; ');
      return unread(
        at,
        failed(SubIndication.FORMAT_FAILURE, `not a licence identifier (GB/T 36904): ${why}`),
        'the identifier is malformed',
      );
    }
    const licence = await this.deps.licences.find(checked.canonical!);
    if (!licence)
      return unread(
        at,
        indeterminate(SubIndication.SIGNED_DATA_NOT_FOUND, `tongban issued no licence ${checked.canonical}`),
        'there is no such licence',
      );
    const { result, chain } = await this.verifyCompact(licence.credential, at, { requireKeyBinding: false });
    const chainFinding = this.chainFinding(result, chain, await this.leafIsLicenceKey(chain));
    const integrity = [result.checks.format, result.checks.signature, chainFinding].every((f) => f.status === 'PASSED');
    const revocation = integrity
      ? registerStatus(licence)
      : indeterminate(SubIndication.TRY_LATER, 'not checked: the stored credential did not verify');
    return this.report(at, result, { chain, finding: chainFinding }, revocation, { licence });
  }

  // ---- the credential ----

  private async verifyCompact(
    compact: string,
    at: Date,
    options: PresentationOptions & { requireKeyBinding?: boolean },
  ): Promise<{ result: SdJwtVcVerification; chain?: ChainVerification }> {
    let chain: Promise<ChainVerification> | undefined;
    const chainOf = (x5c: readonly string[]) => (chain ??= this.deps.pki.verifyCertificateChain([...x5c], at));
    const result = await verifySdJwtVc(compact, {
      now: at,
      ...(options.audience === undefined ? {} : { audience: options.audience }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
      ...(options.requireKeyBinding === undefined ? {} : { requireKeyBinding: options.requireKeyBinding }),
      publicKeyFor: async (header) => {
        const x5c = header.x5c;
        if (Array.isArray(x5c) && x5c.length && x5c.every((entry) => typeof entry === 'string')) return (await chainOf(x5c)).publicKey();
        return typeof header.kid === 'string' && !Object.hasOwn(header, 'x5c') ? this.ownLicenceKey(header.kid) : undefined;
      },
    });
    // alg none or HS*: the key was never asked for; the chain is still the header's to show.
    if (!chain && result.x5c) void chainOf(result.x5c);
    return { result, ...(chain ? { chain: await chain } : {}) };
  }

  /** A kid of tongban's licence keys (current, next or retired), for a credential without x5c. */
  private async ownLicenceKey(kid: string): Promise<KeyObject | undefined> {
    try {
      if (this.deps.keys.record(kid).purpose !== 'licence') return undefined;
      return await this.deps.keys.publicKey(kid);
    } catch {
      return undefined;
    }
  }

  /** Whether the chain's leaf is the certificate of one of tongban's licence keys (an operator's trust anchor vouches for its own). */
  private async leafIsLicenceKey(chain: ChainVerification | undefined): Promise<boolean> {
    if (!chain || !pathFound(chain)) return false;
    if (chain.anchor) return true;
    const leaf = chain.publicKey();
    if (!leaf) return false;
    const revision = this.deps.keys.revision;
    if (this.licenceKeys?.revision !== revision)
      this.licenceKeys = {
        revision,
        keys: Promise.all(this.deps.keys.usable('licence').map((record) => this.deps.keys.publicKey(record.kid))).catch(() => []),
      };
    return (await this.licenceKeys.keys).some((key) => {
      try {
        return key.equals(leaf);
      } catch {
        return false;
      }
    });
  }

  private chainFinding(result: SdJwtVcVerification, chain: ChainVerification | undefined, licenceKey: boolean): Finding {
    if (!result.header) return indeterminate(SubIndication.FORMAT_FAILURE, 'not checked: the SD-JWT could not be read');
    if (!Object.hasOwn(result.header, 'x5c'))
      return indeterminate(
        SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
        'the credential has no x5c: its key cannot be chained to tongban’s root or an operator’s trust anchor',
      );
    if (!chain) return indeterminate(SubIndication.NO_CERTIFICATE_CHAIN_FOUND, 'x5c could not be read: there is no chain to check');
    const leaf = chain.subject?.commonName ?? chain.subject?.organizationName;
    const named = leaf ? ` (${String(leaf)})` : '';
    if (pathFound(chain) && !licenceKey)
      return indeterminate(
        SubIndication.CHAIN_CONSTRAINTS_FAILURE,
        `the signing certificate${named} chains to tongban’s root but is not one of tongban’s licence keys: tongban vouches for its holder, not for licences it signs`,
      );
    if (chain.indication === 'TOTAL_PASSED') {
      return passed(
        `the signing certificate${named}: ${chain.chain.message}${chain.anchor ? ` (trust anchor ${chain.anchor.name})` : ''}; valid and not revoked`,
      );
    }
    // The certificate's signature by its issuer only when it fails (without a path it is merely not checked).
    const problems = (['format', 'signature', 'chain', 'validity', 'revocation'] as const)
      .filter((name) => (name === 'signature' ? chain[name].status === 'FAILED' : chain[name].status !== 'PASSED'))
      .map((name) => chain[name].message);
    let sub = chain.subIndication ?? SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE;
    // Out of its validity now: the credential's iat is the signer's word, no proof of when it signed.
    if (sub === SubIndication.EXPIRED || sub === SubIndication.NOT_YET_VALID) sub = SubIndication.OUT_OF_BOUNDS_NO_POE;
    const message = `the signing certificate${named}: ${problems.join('; ')}`;
    return chain.indication === 'TOTAL_FAILED' && INDICATION_OF[sub] === 'TOTAL_FAILED'
      ? failed(sub, message)
      : indeterminate(sub, message);
  }

  // ---- revocation: the status list ----

  /**
   * The status list's word, asked only of a credential whose format and signature passed and whose
   * signing certificate has a path to tongban's root (one of its licence keys) or an operator's
   * anchor — also when that certificate's own revocation is unknown (another CA's: the chain is
   * INDETERMINATE/TRY_LATER, and a revoked credential is still TOTAL_FAILED/REVOKED).
   */
  private async revocation(
    result: SdJwtVcVerification,
    chain: Finding,
    chainResult: ChainVerification | undefined,
    at: Date,
  ): Promise<{ finding: Finding; status?: LicenceSection['status'] }> {
    const notChecked = (why: string) => ({ finding: indeterminate(SubIndication.TRY_LATER, `not checked: ${why}`) });
    if (result.checks.format.status !== 'PASSED') return notChecked('the credential could not be read');
    if (result.checks.signature.status !== 'PASSED') return notChecked('the credential’s signature is not verified');
    const trusted =
      chain.status === 'PASSED' ||
      (chainResult !== undefined && pathFound(chainResult) && chainResult.anchor !== undefined && chain.status !== 'FAILED');
    if (!trusted) return notChecked('the credential’s issuer is not trusted');
    const entry = result.status;
    if (!entry)
      return {
        finding: indeterminate(SubIndication.TRY_LATER, 'the credential names no status list: whether it was revoked cannot be known'),
      };
    let read: ListRead;
    try {
      const own = this.ownListNumber(entry.uri);
      read =
        own === undefined
          ? { token: await this.foreignList(entry.uri, chainResult?.anchor?.id, at), source: `the status list at ${entry.uri}` }
          : { token: await this.ownList(own, at), source: `tongban’s status list ${own}` };
    } catch (error) {
      return {
        finding: indeterminate(
          SubIndication.TRY_LATER,
          `the status list at ${entry.uri} cannot be had now (${error instanceof Error ? error.message : String(error)}): try again later`,
        ),
      };
    }
    const { list } = read.token;
    if (entry.idx >= list.size)
      return {
        finding: indeterminate(SubIndication.TRY_LATER, `${read.source} has ${list.size} entries: there is no index ${entry.idx}`),
      };
    const value = list.get(entry.idx);
    const where = `${read.source}, index ${entry.idx}, signed ${new Date(read.token.iat * 1000).toISOString()}`;
    if (value === StatusType.VALID) return { finding: passed(`not revoked or suspended (${where})`), status: 'valid' };
    if (value === StatusType.INVALID) return { finding: failed(SubIndication.REVOKED, `revoked (${where})`), status: 'revoked' };
    if (value === StatusType.SUSPENDED)
      return {
        finding: indeterminate(SubIndication.TRY_LATER, `suspended (${where}): it may be reinstated; ask again later`),
        status: 'suspended',
      };
    return {
      finding: indeterminate(
        SubIndication.TRY_LATER,
        `status ${value} (${where}) is none that tongban knows (valid 0, invalid 1, suspended 2)`,
      ),
    };
  }

  /** The list number of one of tongban's own status list URIs, else undefined. */
  private ownListNumber(uri: string): number | undefined {
    const prefix = `${this.deps.publicUrl}/api/v1/status-lists/`;
    if (!uri.startsWith(prefix)) return undefined;
    const rest = uri.slice(prefix.length);
    if (!/^[1-9][0-9]{0,8}$/.test(rest)) return undefined;
    const n = Number(rest);
    return this.deps.statusLists.uriOf(n) === uri ? n : undefined;
  }

  /**
   * tongban's list n as the status list service serves it (built at most STATUS_LIST_FRESH_MS
   * ago; at once after a change made on this replica), read as an outside verifier reads it: the
   * signature with the key of its x5c, chained to tongban's root (not an operator's anchor),
   * `sub` this URI, not expired. A token once checked is checked again after RECHECK_LIST_MS.
   */
  private async ownList(n: number, at: Date): Promise<ListToken> {
    const served = await this.deps.statusLists.token(n);
    const cached = this.ownLists.get(n);
    if (cached && cached.jwt === served.token && Date.now() - cached.at < RECHECK_LIST_MS) return cached.read;
    const read = readStatusListJwt(served.token, {
      now: at,
      uri: served.uri,
      publicKeyFor: async (header) => (await this.listSigner(header, at, 'tongban')).key,
    });
    this.ownLists.set(n, { jwt: served.token, at: Date.now(), read });
    read.catch(() => {
      if (this.ownLists.get(n)?.read === read) this.ownLists.delete(n);
    });
    return read;
  }

  /** Another issuer's list, fetched (see fetchStatusListToken) and kept for its ttl; it must chain to the credential's anchor. */
  private async foreignList(uri: string, anchor: string | undefined, at: Date): Promise<ListToken> {
    const now = Date.now();
    let cached = this.foreignLists.get(uri);
    if (!cached || cached.until <= now) {
      const read = (async () => {
        let anchorSeen: string | undefined;
        const token = await readStatusListJwt(await this.fetchList(uri), {
          now: at,
          uri,
          publicKeyFor: async (header) => {
            const signer = await this.listSigner(header, at, 'any');
            anchorSeen = signer.anchor;
            return signer.key;
          },
        });
        return { token, ...(anchorSeen ? { anchor: anchorSeen } : {}) };
      })();
      cached = { until: now + FOREIGN_FAILURE_CACHE_MS, read };
      if (this.foreignLists.size >= FOREIGN_CACHE_ENTRIES) this.foreignLists.delete(this.foreignLists.keys().next().value!);
      this.foreignLists.set(uri, cached);
      const entry = cached;
      read.then(
        ({ token }) => {
          const ttl = Math.min((token.ttl ?? 60) * 1000, FOREIGN_MAX_CACHE_MS);
          const expires = token.exp === undefined ? Infinity : token.exp * 1000;
          entry.until = Math.min(Date.now() + ttl, expires);
        },
        (error: unknown) =>
          this.logger.warn(`status list ${uri} could not be had: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    const { token, anchor: signedUnder } = await cached.read;
    if (signedUnder !== anchor) throw new Error('its signer chains to another trust anchor than the credential’s issuer');
    return token;
  }

  /**
   * The key of a status list token's x5c leaf and the operator's anchor it chains to. tongban's own
   * lists: the chain to tongban's root must pass whole. Another issuer's: a path to an operator's
   * anchor (or tongban's root), the certificates valid and none known revoked (tongban knows no
   * other CA's revocation).
   */
  private async listSigner(
    header: Readonly<Record<string, unknown>>,
    at: Date,
    under: 'tongban' | 'any',
  ): Promise<{ key: KeyObject; anchor?: string }> {
    const x5c = header.x5c;
    if (!Array.isArray(x5c) || !x5c.length || !x5c.every((entry) => typeof entry === 'string'))
      throw new Error('the status list token has no x5c to check its signer by');
    const chain = await this.deps.pki.verifyCertificateChain(x5c, at);
    const good =
      under === 'tongban'
        ? chain.indication === 'TOTAL_PASSED' && !chain.anchor
        : pathFound(chain) && chain.validity.status === 'PASSED' && chain.revocation.status !== 'FAILED';
    if (!good)
      throw new Error(
        `the status list’s signing certificate does not verify${under === 'tongban' ? ' to tongban’s root' : ''} (${chain.indication}${chain.subIndication ? `/${chain.subIndication}` : ''})`,
      );
    const key = chain.publicKey();
    if (!key) throw new Error('the status list’s signing key cannot be read');
    return { key, ...(chain.anchor ? { anchor: chain.anchor.id } : {}) };
  }

  // ---- the report ----

  private async report(
    at: Date,
    result: SdJwtVcVerification,
    signer: { chain?: ChainVerification; finding: Finding },
    revocation: Finding,
    about: { status?: LicenceSection['status']; licence?: Licence },
  ): Promise<ValidationReport> {
    const chain = signer.finding;
    const { format, signature, dataHash, keyBinding, validity } = result.checks;
    const findings: Array<[Parameters<ReportBuilder['check']>[0], Finding]> = [
      ['format', format],
      ['signature', signature],
      ['chain', chain],
      ['dataHash', dataHash],
      ...(keyBinding ? [['keyBinding', keyBinding] as [Parameters<ReportBuilder['check']>[0], Finding]] : []),
      ['validity', validity],
      ['revocation', revocation],
    ];
    const builder = new ReportBuilder(at);
    for (const [name, finding] of findings) builder.check(name, finding.status, finding.message);
    const integrity =
      [format, signature, chain, dataHash].every((finding) => finding.status === 'PASSED') &&
      (!keyBinding || keyBinding.status === 'PASSED');
    const payload = result.payload;
    if (payload) {
      const claims = result.claims ?? payload;
      const { section, holderKind } = await this.section(payload, about);
      if (integrity && result.claims && !about.licence) section.disclosed = disclosedOf(result.claims);
      const certificate = chain.status === 'PASSED' ? signer.chain?.subject : undefined;
      builder
        .subject(about.licence ? holderOfLicence(about.licence) : holderOf(claims, payload, holderKind))
        .issuer(issuerOf(payload, about.licence, certificate))
        .section('licence', section);
      if (typeof payload.iat === 'number' && Number.isFinite(payload.iat)) builder.signingTime(isoSeconds(payload.iat));
    } else if (about.licence) {
      builder.subject(holderOfLicence(about.licence)).section('licence', this.licenceSection(about.licence));
    }
    return builder.build(verdictOf(findings.map(([, finding]) => finding)));
  }

  private async section(
    payload: Readonly<Record<string, unknown>>,
    about: { status?: LicenceSection['status']; licence?: Licence },
  ): Promise<{ section: LicenceSection; holderKind?: 'citizen' | 'enterprise' }> {
    if (about.licence) return { section: this.licenceSection(about.licence), holderKind: about.licence.holder.kind };
    const section: LicenceSection = {};
    let holderKind: 'citizen' | 'enterprise' | undefined;
    const vct = typeof payload.vct === 'string' ? payload.vct : undefined;
    const typesPrefix = `${this.deps.publicUrl}/licence-types/`;
    if (vct?.startsWith(typesPrefix)) {
      const type = await this.typeOf(vct.slice(typesPrefix.length));
      if (type) {
        holderKind = type.holderKind;
        section.type = type.id;
        section.typeName = { zh: type.name.zh, en: type.name.en };
      }
    }
    if (vct) section.vct = vct;
    const time = (name: string) => (typeof payload[name] === 'number' && Number.isFinite(payload[name]) ? payload[name] : undefined);
    const iat = time('iat');
    const from = time('nbf') ?? iat;
    const exp = time('exp');
    if (iat !== undefined) section.issuedAt = isoSeconds(iat);
    if (from !== undefined) section.validFrom = isoSeconds(from);
    if (exp !== undefined) section.validUntil = isoSeconds(exp);
    if (about.status) section.status = about.status;
    const list = (payload.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)?.status_list;
    if (list && typeof list.idx === 'number' && typeof list.uri === 'string') section.statusList = { idx: list.idx, uri: list.uri };
    return { section, ...(holderKind ? { holderKind } : {}) };
  }

  private typeOf(id: string): Promise<TypeSummary | null> {
    const now = Date.now();
    const cached = this.typeNames.get(id);
    if (cached && cached.until > now) return cached.type;
    const type = this.deps.types.find(id).then(
      (found) => (found ? { id: found.id, name: { zh: found.name.zh, en: found.name.en }, holderKind: found.holderKind } : null),
      () => null,
    );
    const entry = { until: now + UNKNOWN_TYPE_MS, type };
    if (this.typeNames.size >= TYPE_CACHE_ENTRIES) this.typeNames.delete(this.typeNames.keys().next().value!);
    this.typeNames.set(id, entry);
    void type.then((found) => {
      if (found) entry.until = Infinity;
    });
    return type;
  }

  private licenceSection(licence: Licence): LicenceSection {
    return {
      id: licence.id,
      type: licence.type.id,
      typeName: { zh: licence.type.name.zh, en: licence.type.name.en },
      vct: licence.type.vct,
      issuedAt: licence.createdAt.toISOString(),
      validFrom: licence.validFrom.toISOString(),
      validUntil: licence.validUntil.toISOString(),
      status: licence.status,
      statusList: { idx: licence.statusList.idx, uri: licence.statusList.uri },
    };
  }
}

/** A chain whose certificates were read and verified along a path to tongban's root or an operator's anchor (validity and revocation aside). */
function pathFound(chain: ChainVerification): boolean {
  return chain.format.status === 'PASSED' && chain.chain.status === 'PASSED' && chain.signature.status === 'PASSED';
}

/** A report for what could not be read at all: the one finding, every other check not reached. */
function unread(at: Date, format: Finding, why: string): ValidationReport {
  const builder = new ReportBuilder(at).check('format', format.status, format.message);
  const rest = indeterminate(SubIndication.TRY_LATER, `not checked: ${why}`);
  for (const name of ['signature', 'chain', 'dataHash', 'validity', 'revocation'] as const) builder.check(name, rest.status, rest.message);
  return builder.build(verdictOf([format]));
}

/** A licence's status in tongban's register of licences, now. */
function registerStatus(licence: Licence): Finding {
  const since = licence.statusChangedAt ? ` since ${licence.statusChangedAt.toISOString()}` : '';
  const why = licence.statusReason ? `: ${licence.statusReason}` : '';
  if (licence.storedStatus === 'revoked')
    return failed(SubIndication.REVOKED, `revoked${licence.statusChangedAt ? ` at ${licence.statusChangedAt.toISOString()}` : ''}${why}`);
  if (licence.storedStatus === 'suspended')
    return indeterminate(
      SubIndication.TRY_LATER,
      `suspended${since} by ${licence.suspendedBy === 'registry' ? 'the register' : 'its issuing authority'}${why}: it may be reinstated; ask again later`,
    );
  return passed('not revoked or suspended (tongban’s register of licences, now)');
}

/** The claims disclosed, without the clear ones the report shows elsewhere. */
function disclosedOf(claims: Record<string, unknown>): Record<string, unknown> {
  const disclosed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) if (!CLEAR_CLAIMS.has(name)) disclosed[name] = value;
  return disclosed;
}

/** The holder as the credential names it: an enterprise by USCC and name; a citizen's ID number and name masked. */
function holderOf(
  claims: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
  kind: 'citizen' | 'enterprise' | undefined,
): ReportNames {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const uscc = text(payload.sub) ?? text(claims.uscc);
  const idNumber = text(claims.id_number);
  const name = text(claims.name) ?? text(claims.operator_name);
  if (kind === 'citizen' || (!kind && idNumber)) {
    return {
      kind: 'citizen',
      ...(name ? { name: maskPersonName(name) } : {}),
      ...(idNumber ? { idNumberMasked: maskCitizenId(idNumber) } : {}),
    };
  }
  if (uscc) return { kind: 'enterprise', uscc, ...(name ? { name } : {}) };
  return name ? { name } : {};
}

function holderOfLicence(licence: Licence): ReportNames {
  const holder = licence.holder;
  return holder.kind === 'citizen'
    ? { kind: 'citizen', name: maskPersonName(holder.name), idNumberMasked: holder.idNumberMasked }
    : { kind: 'enterprise', name: holder.name, uscc: holder.uscc };
}

/** The issuer: `iss`, the issuing authority (by identifier), and the signing certificate's names when it chained. */
function issuerOf(
  payload: Readonly<Record<string, unknown>>,
  licence: Licence | undefined,
  certificate: ReportNames | undefined,
): ReportNames {
  const issuer: Record<string, unknown> = {};
  if (typeof payload.iss === 'string') issuer.iss = payload.iss;
  if (licence) {
    issuer.code = licence.issuer.code;
    if (licence.issuer.name) issuer.name = licence.issuer.name;
    if (licence.issuer.nameEn) issuer.nameEn = licence.issuer.nameEn;
  }
  if (certificate) {
    if (certificate.commonName !== undefined) issuer.commonName = certificate.commonName;
    if (certificate.organizationName !== undefined) issuer.organizationName = certificate.organizationName;
  }
  return issuer;
}

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();

// ---- another issuer's status list, over HTTPS ----

/**
 * Addresses a status list is never fetched from: private, loopback, link-local, shared,
 * documentation, multicast, reserved; IPv4-mapped, NAT64, 6to4 and Teredo IPv6 (they can carry a
 * private IPv4 address). One list per family: a BlockList matches IPv4 addresses against IPv6
 * subnets mapped from them (::ffff:0:0/96 would take in every IPv4 address).
 */
const NOT_PUBLIC_V4 = new BlockList();
const NOT_PUBLIC_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC_V4.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 127],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC_V6.addSubnet(network, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return family === 6 ? !NOT_PUBLIC_V6.check(address, 'ipv6') : !NOT_PUBLIC_V4.check(address, 'ipv4');
}

export interface FetchStatusListOptions {
  /** Whole request, connection to last byte; 3 s by default. */
  timeoutMs?: number;
  /** The most bytes read; 1 MiB by default (tongban's lists of 131,072 entries are a few KB). */
  maxBytes?: number;
  /** Tests only: fetch from any address and port (a local HTTPS server), trusting this CA. */
  unsafeForTests?: { ca: string | Buffer };
}

/**
 * Fetches a Status List Token over HTTPS as safely as a service inside a government network can
 * fetch a URL someone else wrote: `https:` on port 443 only, no credentials in the URL, the host's
 * every address public (no private, loopback, link-local or reserved ranges: a credential must not
 * make tongban call into its own network), the connection made to the address checked, no
 * redirects, `Accept: application/statuslist+jwt`, 200 only, at most `maxBytes`, `timeoutMs` for
 * the whole. Rejects with what went wrong.
 */
export function fetchStatusListToken(uri: string, options: FetchStatusListOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const unsafe = options.unsafeForTests;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return Promise.reject(new Error('not a URL'));
  }
  if (url.protocol !== 'https:') return Promise.reject(new Error('only https: status lists are fetched'));
  if (url.username || url.password) return Promise.reject(new Error('a URL with credentials is not fetched'));
  if (url.port !== '' && url.port !== '443' && !unsafe) return Promise.reject(new Error('only port 443 is fetched'));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host) && !unsafe) return Promise.reject(new Error(`${host} is not a public address`));
  const lookup = (
    hostname: string,
    lookupOptions: { all?: boolean },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const refused = unsafe ? [] : addresses.filter((a) => !isPublicAddress(a.address));
      if (!addresses.length || refused.length)
        return callback(Object.assign(new Error(`${hostname} resolves to an address that is not public`), { code: 'ENOTPUBLIC' }), '');
      if (lookupOptions.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
  return new Promise<string>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/statuslist+jwt' },
        lookup: lookup,
        agent: false,
        ...(unsafe ? { ca: unsafe.ca } : {}),
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          req.destroy();
          reject(new Error(`HTTP ${res.statusCode ?? '?'}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) req.destroy(new Error(`larger than ${maxBytes} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(deadline));
    req.end();
  });
}
