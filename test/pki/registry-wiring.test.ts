import '../support/silent.js';
import type { INestApplicationContext } from '@nestjs/common';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { openServices } from '../support/context.js';
import { enterpriseRecords } from '../support/records.js';
import { backend, makeTestEnv, type TestEnv } from '../support/test-env.js';
import { ENTERPRISE_HEADER, freshUscc, mustOpenssl, Scratch } from './support.js';

const REPRESENTATIVE = makeCitizenId({ region: '350102', birthDate: '1980-05-05', sequence: 17 });

describe(`licence certificates follow the enterprise register on ${backend}`, () => {
  let t: TestEnv;
  let app: INestApplicationContext;
  let pki: PkiService;
  let registry: RegistryService;
  const scratch = new Scratch();

  beforeAll(async () => {
    t = await makeTestEnv();
    app = await openServices(t.config);
    pki = app.get(PkiService);
    registry = app.get(RegistryService);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
    scratch.cleanup();
  });

  const importAs = (uscc: string, status: string) =>
    registry.importEnterprises(
      enterpriseRecords(`${ENTERPRISE_HEADER}\n${uscc},登记企业,有限责任公司,${REPRESENTATIVE},福州,2019-01-01,${status}\n`),
    );

  async function licence(
    uscc: string,
    profile: 'enterprise-licence' | 'seal-maker' = 'enterprise-licence',
    key: 'ec-p256' | 'sm2' = 'ec-p256',
  ) {
    return (
      await pki.issueFromCsr(scratch.csr(`${uscc}-${profile}-${Math.random()}`, key), {
        profile,
        subject: { uscc, organizationName: '登记企业' },
      })
    ).serial;
  }

  const statuses = async (uscc: string) =>
    Object.fromEntries((await pki.certificatesForEnterprise(uscc)).map((c) => [c.serial, [c.status, c.revocationReason]]));

  it('cancelled: every enterprise-licence certificate of the enterprise is revoked (cessationOfOperation)', async () => {
    const uscc = freshUscc();
    const other = freshUscc();
    await importAs(uscc, 'active');
    await importAs(other, 'active');
    const [a, b] = [await licence(uscc), await licence(uscc)];
    const otherSerial = await licence(other);
    const seal = await licence(uscc, 'seal-maker');
    expect(await importAs(uscc, 'cancelled')).toMatchObject({ updated: 1 });
    expect(await statuses(uscc)).toEqual({
      [a]: ['revoked', 'cessationOfOperation'],
      [b]: ['revoked', 'cessationOfOperation'],
      [seal]: ['good', null],
    });
    expect(await statuses(other)).toEqual({ [otherSerial]: ['good', null] });
    // Verification sees it at once.
    const verification = await pki.verifyCertificateChain((await pki.certificate(a))!.pem);
    expect(verification.subIndication).toBe('REVOKED');
  });

  it('SM2 licences follow the register as P-256 ones do, and the SM2 CRL lists them at once', async () => {
    const uscc = freshUscc();
    await importAs(uscc, 'active');
    const [sm2, p256] = [await licence(uscc, 'enterprise-licence', 'sm2'), await licence(uscc)];
    const crlText = async (name: 'sm2-issuing' | 'issuing') =>
      mustOpenssl(['crl', '-inform', 'DER', '-in', scratch.write(`${name}-${Math.random()}.crl`, await pki.crl(name)), '-noout', '-text']);
    expect(await crlText('sm2-issuing')).not.toContain(sm2.toUpperCase());
    await importAs(uscc, 'suspended');
    expect(await statuses(uscc)).toEqual({ [sm2]: ['hold', 'certificateHold'], [p256]: ['hold', 'certificateHold'] });
    await importAs(uscc, 'cancelled');
    expect(await statuses(uscc)).toEqual({ [sm2]: ['revoked', 'cessationOfOperation'], [p256]: ['revoked', 'cessationOfOperation'] });
    const sm2Crl = await crlText('sm2-issuing');
    expect(sm2Crl).toContain(sm2.toUpperCase());
    expect(sm2Crl).not.toContain(p256.toUpperCase());
    expect(await crlText('issuing')).toContain(p256.toUpperCase());
    expect((await pki.verifyCertificateChain((await pki.certificate(sm2))!.pem)).subIndication).toBe('REVOKED');
  });

  it('revoked in the register: revoked with privilegeWithdrawn', async () => {
    const uscc = freshUscc();
    await importAs(uscc, 'active');
    const serial = await licence(uscc);
    await importAs(uscc, 'revoked');
    expect(await statuses(uscc)).toEqual({ [serial]: ['revoked', 'privilegeWithdrawn'] });
  });

  it('suspended: held; back to active: released; a revoked certificate stays revoked', async () => {
    const uscc = freshUscc();
    await importAs(uscc, 'active');
    const [held, revoked] = [await licence(uscc), await licence(uscc)];
    await pki.revoke(revoked, 'keyCompromise');
    await importAs(uscc, 'suspended');
    expect(await statuses(uscc)).toEqual({ [held]: ['hold', 'certificateHold'], [revoked]: ['revoked', 'keyCompromise'] });
    expect((await pki.verifyCertificateChain((await pki.certificate(held))!.pem)).revocation.status).toBe('INDETERMINATE');

    await importAs(uscc, 'active');
    expect(await statuses(uscc)).toEqual({ [held]: ['good', null], [revoked]: ['revoked', 'keyCompromise'] });
    expect((await pki.verifyCertificateChain((await pki.certificate(held))!.pem)).indication).toBe('TOTAL_PASSED');

    // Suspended, then cancelled: the hold becomes a revocation, and no later activation brings it back.
    await importAs(uscc, 'suspended');
    await importAs(uscc, 'cancelled');
    await importAs(uscc, 'active');
    expect(await statuses(uscc)).toEqual({ [held]: ['revoked', 'cessationOfOperation'], [revoked]: ['revoked', 'keyCompromise'] });
  });

  it('hold, release and revoke by serial: idempotent, a revocation is final, refusals have stable codes', async () => {
    const uscc = freshUscc();
    await importAs(uscc, 'active');
    const serial = await licence(uscc);
    expect(await pki.hold(serial)).toMatchObject({ status: 'hold', reason: 'certificateHold', changed: true });
    expect(await pki.hold(serial.toUpperCase())).toMatchObject({ status: 'hold', changed: false });
    expect(await pki.releaseHold(serial)).toMatchObject({ status: 'good', reason: null, revokedAt: null, changed: true });
    const at = new Date(Date.now() - 3600_000);
    const revoked = await pki.revoke(serial, 'affiliationChanged', at);
    expect(revoked).toMatchObject({ status: 'revoked', reason: 'affiliationChanged', changed: true });
    expect(revoked.revokedAt!.getTime()).toBe(at.getTime());
    expect(await pki.revoke(serial, 'keyCompromise')).toMatchObject({ status: 'revoked', reason: 'affiliationChanged', changed: false });
    await expect(pki.hold(serial)).rejects.toMatchObject({ response: { error: 'certificate_revoked' } });
    await expect(pki.revoke('42', 'keyCompromise')).rejects.toMatchObject({ response: { error: 'certificate_not_found' } });
    await expect(pki.revoke('xyz', 'keyCompromise')).rejects.toMatchObject({ response: { error: 'invalid_serial' } });
    await expect(pki.revoke(serial, 'whatever' as 'keyCompromise')).rejects.toMatchObject({ response: { error: 'invalid_reason' } });
  });
});
