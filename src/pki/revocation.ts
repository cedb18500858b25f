import { ApiError } from '../common/api-error.js';
import type { EnterpriseStatusChange } from '../registry/registry.service.js';
import { REVOCATION_REASONS, type CertificateStore, type RevocationReason, type StatusChange } from './certificate-store.js';

export interface RevocationResult {
  serial: string;
  status: 'good' | 'revoked' | 'hold';
  reason: string | null;
  revokedAt: Date | null;
  /** False when the certificate was already in the asked-for state. */
  changed: boolean;
}

/**
 * Certificate state changes: revoke (final), hold (certificateHold) and release. A revoked
 * certificate never returns to good; a hold can be released or turned into a revocation. After
 * any change `afterChange` is told the CA keys whose CRLs to sign again.
 */
export class Revocations {
  constructor(
    private readonly store: CertificateStore,
    private readonly afterChange: (issuerKids: Set<string>) => Promise<void>,
  ) {}

  async revoke(serial: string, reason: RevocationReason, at = new Date()): Promise<RevocationResult> {
    if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) {
      throw new ApiError(400, 'invalid_reason', `reason must be one of ${REVOCATION_REASONS.join(', ')}`);
    }
    if (!(at instanceof Date) || Number.isNaN(at.getTime()) || at.getTime() > Date.now() + 60_000) {
      throw new ApiError(400, 'invalid_revocation_time', 'the revocation time must be a date, not in the future');
    }
    const key = normaliseSerial(serial);
    const changed = await this.store.transition({ serial: key }, ['good', 'hold'], { status: 'revoked', reason, at });
    return this.outcome(key, changed, () => {});
  }

  async hold(serial: string): Promise<RevocationResult> {
    const key = normaliseSerial(serial);
    const changed = await this.store.transition({ serial: key }, ['good'], { status: 'hold', reason: 'certificateHold', at: new Date() });
    return this.outcome(key, changed, (current) => {
      if (current.status === 'revoked')
        throw new ApiError(409, 'certificate_revoked', 'the certificate is revoked; it cannot be put on hold');
    });
  }

  async releaseHold(serial: string): Promise<RevocationResult> {
    const key = normaliseSerial(serial);
    const changed = await this.store.transition({ serial: key }, ['hold'], { status: 'good', reason: null, at: null });
    return this.outcome(key, changed, (current) => {
      if (current.status === 'revoked') throw new ApiError(409, 'certificate_revoked', 'the certificate is revoked; a revocation is final');
    });
  }

  /** Revokes every enterprise-licence certificate of the enterprise (of either hierarchy) that is good or on hold. */
  async revokeForEnterprise(uscc: string, reason: RevocationReason, at = new Date()): Promise<string[]> {
    if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) {
      throw new ApiError(400, 'invalid_reason', `reason must be one of ${REVOCATION_REASONS.join(', ')}`);
    }
    return this.bulk(
      await this.store.transition({ uscc, profile: 'enterprise-licence' }, ['good', 'hold'], { status: 'revoked', reason, at }),
    );
  }

  async holdForEnterprise(uscc: string): Promise<string[]> {
    return this.bulk(
      await this.store.transition({ uscc, profile: 'enterprise-licence' }, ['good'], {
        status: 'hold',
        reason: 'certificateHold',
        at: new Date(),
      }),
    );
  }

  async releaseForEnterprise(uscc: string): Promise<string[]> {
    return this.bulk(
      await this.store.transition({ uscc, profile: 'enterprise-licence' }, ['hold'], { status: 'good', reason: null, at: null }),
    );
  }

  /**
   * What a change of an enterprise's register status means for its licence certificates:
   * cancelled → revoked (cessationOfOperation), revoked → revoked (privilegeWithdrawn),
   * suspended → on hold, suspended → active: released. Returns the serials changed, by enterprise (for the audit log).
   */
  async followRegistry(changes: EnterpriseStatusChange[]): Promise<Array<{ uscc: string; serials: string[]; to: string }>> {
    const followed: Array<{ uscc: string; serials: string[]; to: string }> = [];
    for (const change of changes) {
      let serials: string[] = [];
      if (change.to === 'cancelled') serials = await this.revokeForEnterprise(change.uscc, 'cessationOfOperation');
      else if (change.to === 'revoked') serials = await this.revokeForEnterprise(change.uscc, 'privilegeWithdrawn');
      else if (change.to === 'suspended') serials = await this.holdForEnterprise(change.uscc);
      else if (change.to === 'active' && change.from === 'suspended') serials = await this.releaseForEnterprise(change.uscc);
      if (serials.length) followed.push({ uscc: change.uscc, serials, to: change.to });
    }
    return followed;
  }

  private async bulk(changed: StatusChange[]): Promise<string[]> {
    if (changed.length) await this.afterChange(new Set(changed.map((c) => c.issuerKid)));
    return changed.map((c) => c.serial);
  }

  private async outcome(
    serial: string,
    changed: StatusChange[],
    alreadyDone: (current: { status: string }) => void,
  ): Promise<RevocationResult> {
    if (changed.length) {
      await this.afterChange(new Set(changed.map((c) => c.issuerKid)));
      const row = changed[0];
      return { serial, status: row.status, reason: row.reason, revokedAt: row.revokedAt, changed: true };
    }
    const current = await this.store.find(serial);
    if (!current) throw new ApiError(404, 'certificate_not_found', 'tongban issued no certificate with this serial number');
    alreadyDone(current);
    return { serial, status: current.status, reason: current.revocationReason, revokedAt: current.revokedAt, changed: false };
  }
}

/** Serial numbers in any common spelling (colons, spaces, upper case, leading zeros) → the stored form. */
export function normaliseSerial(serial: string): string {
  const hex = typeof serial === 'string' ? serial.replace(/[\s:]/g, '').toLowerCase() : '';
  if (!/^[0-9a-f]{1,64}$/.test(hex)) throw new ApiError(400, 'invalid_serial', 'a serial number is hexadecimal');
  let even = hex.length % 2 ? `0${hex}` : hex;
  while (even.length > 2 && even.startsWith('00')) even = even.slice(2);
  return even;
}
