import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataSource } from 'typeorm';
import { serveOperations } from '../../src/cli/control-server.js';
import { runCli } from '../../src/cli/run-cli.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { ANCHOR_REFRESH_MS, TrustAnchorService } from '../../src/pki/trust-anchors.js';
import { flipByte, Scratch } from '../pki/support.js';
import { sesFixture } from '../seals/fixtures.js';
import { backend } from '../support/test-env.js';
import { opensslIssue, opensslRoot } from './openssl-ca.js';
import { sealInfoFor, sm2Certificate, sm2Root, sm2Seal, stampWith } from './other-ca.js';
import { check, expectIntegrity, startVerifier, statuses, verdict, type Report, type Verifier } from './support.js';

/**
 * Operators' trust anchors (issue 12 §5): other CAs' certificates, checked when added, that
 * certificates tongban did not issue chain to — SM2 (a province's seal platform, made here with the
 * project's SM2 code: the shared fixtures carry no CA certificate), ECDSA P-256 and RSA (made by
 * openssl). Their revocation is not known to tongban: INDETERMINATE/TRY_LATER, never PASSED.
 */
describe(`trust anchors on ${backend}`, () => {
  let v: Verifier;
  let anchors: TrustAnchorService;
  const scratch = new Scratch();

  beforeAll(async () => {
    v = await startVerifier();
    anchors = v.server.app.get(TrustAnchorService);
  });
  afterAll(async () => {
    scratch.cleanup();
    await v.close();
  });

  const refused = (certificate: string | Buffer, code: string) =>
    expect(anchors.add(certificate, { by: 'test' })).rejects.toMatchObject({ code });
  const verifyCertificate = async (pem: string): Promise<Report> => {
    const response = await v.post('certificate', { pem });
    expect(response.status).toBe(200);
    return (await response.json()) as Report;
  };

  it('checks a certificate before it trusts it: a CA (cA, keyCertSign), a P-256, SM2 or RSA ≥ 2048 key, a self-signed one’s own signature', async () => {
    await refused(opensslRoot(scratch, 'not-a-ca', 'ec-p256', { ca: false }).cert, 'NOT_A_CA');
    await refused(opensslRoot(scratch, 'no-cert-sign', 'ec-p256', { keyUsage: 'critical,digitalSignature,cRLSign' }).cert, 'NOT_A_CA');
    await refused(opensslRoot(scratch, 'rsa-1024', 'rsa-1024').cert, 'KEY_UNSUPPORTED');
    await refused(opensslRoot(scratch, 'p384', 'ec-p384').cert, 'KEY_UNSUPPORTED');
    await refused(flipByte(opensslRoot(scratch, 'broken', 'ec-p256').cert, 'CERTIFICATE'), 'BAD_SELF_SIGNATURE');
    await refused('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'BAD_CERTIFICATE');
    const two = opensslRoot(scratch, 'two-a', 'ec-p256').cert + opensslRoot(scratch, 'two-b', 'ec-p256').cert;
    await refused(two, 'BAD_CERTIFICATE');

    const p256 = opensslRoot(scratch, 'p256-root', 'ec-p256');
    const added = await anchors.add(p256.cert, { by: 'test', name: 'P-256 test root' });
    expect(added).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      name: 'P-256 test root',
      keyType: 'p256',
      selfSigned: true,
      subject: 'C=CN, O=Other CA tests, CN=p256-root',
      addedBy: 'test',
    });
    expect(added.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(added.warnings).toBeUndefined();
    await refused(p256.cert, 'ANCHOR_EXISTS');

    const rsa = await anchors.add(opensslRoot(scratch, 'rsa-root', 'rsa-2048').cert, { by: 'test' });
    expect(rsa).toMatchObject({ name: 'rsa-root', keyType: 'rsa' });
    const sm2 = sm2Root();
    const sm2Added = await anchors.add(sm2.cert, { by: 'test' }); // DER is read too
    expect(sm2Added).toMatchObject({ name: '福建省电子印章测试根CA', keyType: 'sm2', selfSigned: true });
    // A province's issuing CA may be trusted without its root: it is an anchor by itself.
    const intermediate = opensslIssue(scratch, opensslRoot(scratch, 'untrusted-root', 'ec-p256'), 'issuing-only', 'ec-p256', { ca: true });
    const alone = await anchors.add(intermediate.cert, { by: 'test' });
    expect(alone).toMatchObject({ selfSigned: false, warnings: [expect.stringMatching(/not self-signed/)] });

    const listed = await anchors.list();
    expect(listed.map((anchor) => anchor.id)).toEqual(expect.arrayContaining([added.id, rsa.id, sm2Added.id, alone.id]));
    for (const anchor of [added, rsa, sm2Added, alone])
      expect(await anchors.remove(anchor.id, 'test')).toMatchObject({ id: anchor.id, removedBy: 'test' });
    expect((await anchors.list()).map((anchor) => anchor.id)).not.toContain(added.id);
    await expect(anchors.remove(added.id, 'test')).rejects.toMatchObject({ code: 'ANCHOR_NOT_FOUND' });
    await expect(anchors.remove('x; DROP TABLE', 'test')).rejects.toMatchObject({ code: 'ANCHOR_NOT_FOUND' });
    // Removed, it can be added again.
    const again = await anchors.add(p256.cert, { by: 'test' });
    await anchors.remove(again.id, 'test');
  });

  it('a province’s SM2 seal and stamp: no chain until its root is a trust anchor; then the chains PASS and, their revocation unknown to tongban, INDETERMINATE/TRY_LATER', async () => {
    const root = sm2Root();
    const maker = sm2Certificate(root, {
      subject: { country: 'CN', organizationName: '福建省电子印章测试中心', commonName: '福建省电子印章制作系统' },
    });
    const signer = sm2Certificate(root, {
      subject: { country: 'CN', organizationName: '福州某某科技有限公司', commonName: '福州某某科技有限公司' },
    });
    const seal = await sm2Seal(maker, sealInfoFor([signer.cert]));
    const stamped = await stampWith(sesFixture('helloworld.ofd'), seal.der, signer);

    let [report] = await v.document(stamped);
    expectIntegrity(report);
    expect(verdict(report)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');

    const anchor = await anchors.add(root.pem, { by: 'test', name: '福建省测试根' });
    [report] = await v.document(stamped);
    expectIntegrity(report);
    expect(statuses(report)).toEqual([
      'format:PASSED',
      'dataHash:PASSED',
      'signature:PASSED',
      'seal:PASSED',
      'certList:PASSED',
      'chain:PASSED',
      'revocation:INDETERMINATE',
      'validity:PASSED',
    ]);
    expect(check(report, 'chain').message).toContain(`chaining to the trust anchor “福建省测试根” (${anchor.id})`);
    expect(check(report, 'revocation').message).toMatch(
      /the seal: tongban holds no revocation data for seals of other makers.*the signer’s certificate: tongban holds no revocation data for certificates of other CAs/,
    );
    expect(verdict(report)).toBe('INDETERMINATE/TRY_LATER');
    expect(report.subject).toEqual({ commonName: '福州某某科技有限公司', organizationName: '福州某某科技有限公司' });
    expect(report.seal?.maker).toEqual({ commonName: '福建省电子印章制作系统', organizationName: '福建省电子印章测试中心' });

    expect(verdict(await v.seal(seal.der))).toBe('INDETERMINATE/TRY_LATER');
    const leaf = await verifyCertificate(signer.pem);
    expect(statuses(leaf)).toEqual(['format:PASSED', 'signature:PASSED', 'chain:PASSED', 'validity:PASSED', 'revocation:INDETERMINATE']);
    expect(verdict(leaf)).toBe('INDETERMINATE/TRY_LATER');
    // The anchor itself is trusted, and not subject to revocation.
    expect(verdict(await verifyCertificate(root.pem))).toBe('TOTAL_PASSED');
    // A seal of this maker that had expired when it was used: a proven failure, whatever the revocation.
    const old = await sm2Seal(
      maker,
      sealInfoFor([signer.cert], { validEnd: new Date(Date.now() - 3600_000), validStart: new Date(Date.now() - 86_400_000) }),
    );
    const [expired] = await v.document(await stampWith(sesFixture('helloworld.ofd'), old.der, signer));
    expect(verdict(expired)).toBe('TOTAL_FAILED/EXPIRED');

    await anchors.remove(anchor.id, 'test');
    [report] = await v.document(stamped);
    expect(verdict(report)).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
  });

  it.each(['ec-p256', 'rsa-2048'] as const)(
    'chains %s certificates of another CA through an intermediate given with the leaf',
    async (spec) => {
      const root = opensslRoot(scratch, `root-${spec}`, spec);
      const issuing = opensslIssue(scratch, root, `issuing-${spec}`, spec, { ca: true });
      const leaf = opensslIssue(scratch, issuing, `leaf-${spec}`, spec);
      expect(verdict(await verifyCertificate(leaf.cert + issuing.cert))).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
      const anchor = await anchors.add(root.cert, { by: 'test' });
      const report = await verifyCertificate(leaf.cert + issuing.cert);
      expect(check(report, 'chain')).toMatchObject({
        status: 'PASSED',
        message: expect.stringContaining(`issued by issuing-${spec}, chaining to the trust anchor`),
      });
      expect(check(report, 'signature')).toMatchObject({ status: 'PASSED', message: `signed by issuing-${spec}` });
      expect(verdict(report)).toBe('INDETERMINATE/TRY_LATER');
      // Without the intermediate there is no path.
      expect(verdict(await verifyCertificate(leaf.cert))).toBe('INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND');
      await anchors.remove(anchor.id, 'test');
    },
  );

  it('paths that break RFC 5280’s constraints are CHAIN_CONSTRAINTS_FAILURE; a forged signature under an anchor is SIG_CRYPTO_FAILURE', async () => {
    const root = opensslRoot(scratch, 'constrained-root', 'ec-p256', { pathLen: 0 });
    const anchor = await anchors.add(root.cert, { by: 'test' });
    // An end-entity certificate used as a CA.
    const notCa = opensslIssue(scratch, root, 'end-entity', 'ec-p256');
    const under = opensslIssue(scratch, notCa, 'under-end-entity', 'ec-p256');
    let report = await verifyCertificate(under.cert + notCa.cert);
    expect(check(report, 'chain')).toMatchObject({ status: 'INDETERMINATE', message: expect.stringMatching(/end-entity .* is not a CA/) });
    expect(verdict(report)).toBe('INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE');
    // A CA below a root that allows none (pathlen:0).
    const issuing = opensslIssue(scratch, root, 'too-deep', 'ec-p256', { ca: true });
    report = await verifyCertificate(opensslIssue(scratch, issuing, 'too-deep-leaf', 'ec-p256').cert + issuing.cert);
    expect(check(report, 'chain').message).toMatch(/allows 0 CA certificate\(s\) below it, the path has 1/);
    expect(verdict(report)).toBe('INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE');
    // A leaf whose signature was changed: its authority key identifier names the anchor's key.
    const leaf = opensslIssue(scratch, root, 'forged-leaf', 'ec-p256');
    report = await verifyCertificate(flipByte(leaf.cert, 'CERTIFICATE'));
    expect(check(report, 'signature').status).toBe('FAILED');
    expect(verdict(report)).toBe('TOTAL_FAILED/SIG_CRYPTO_FAILURE');
    expect(verdict(await verifyCertificate(leaf.cert))).toBe('INDETERMINATE/TRY_LATER');
    await anchors.remove(anchor.id, 'test');
  });

  it(`another replica uses an anchor added elsewhere within ${ANCHOR_REFRESH_MS / 1000} s (it reads them again at most that often)`, async () => {
    const replica = new TrustAnchorService(v.server.app.get(DataSource));
    const before = (await replica.current()).map((anchor) => anchor.id);
    const added = await anchors.add(opensslRoot(scratch, 'replicated', 'ec-p256').cert, { by: 'test' });
    // Here at once; there, with the copy it read less than ANCHOR_REFRESH_MS ago, not yet.
    expect((await anchors.current()).map((anchor) => anchor.id)).toContain(added.id);
    expect((await replica.current()).map((anchor) => anchor.id)).toEqual(before);
    await new Promise((resolve) => setTimeout(resolve, ANCHOR_REFRESH_MS + 100));
    expect((await replica.current()).map((anchor) => anchor.id)).toContain(added.id);
    await anchors.remove(added.id, 'test');
  });

  describe('tongban trust add|list|remove', () => {
    /** The CLI in this process, against this service (through its control socket on PGlite; its own context on PostgreSQL). */
    async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
      const saved = { ...process.env };
      Object.assign(process.env, v.server.env.env);
      let stdout = '';
      let stderr = '';
      const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
      const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
      try {
        return { code: await runCli(args), stdout, stderr };
      } finally {
        out.mockRestore();
        err.mockRestore();
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    }

    beforeAll(() => {
      // As src/server.ts does: CLI commands beside this service run inside it.
      const db = v.server.app.get(DatabaseService);
      if (db.lock) serveOperations(v.server.app, db.lock);
    });

    it('adds (PEM or DER), lists and removes anchors; the service uses a change within seconds; refusals exit 1 with their code', async () => {
      const root = sm2Root('CLI 测试根CA');
      const signer = sm2Certificate(root, { subject: { commonName: 'CLI signer' } });
      const derPath = scratch.write('cli-root.der', root.cert);
      const added = await cli(['--json', 'trust', 'add', derPath, '--name', 'CLI test root']);
      expect(added).toMatchObject({ code: 0 });
      const anchor = JSON.parse(added.stdout) as { id: string; name: string; keyType: string };
      expect(anchor).toMatchObject({ name: 'CLI test root', keyType: 'sm2' });

      const listed = await cli(['trust', 'list']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`^${anchor.id}\\s+CLI test root\\s+sm2`, 'm'));

      const deadline = Date.now() + ANCHOR_REFRESH_MS + 3_000;
      let report = await verifyCertificate(signer.pem);
      while (check(report, 'chain').status !== 'PASSED' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        report = await verifyCertificate(signer.pem);
      }
      expect(verdict(report)).toBe('INDETERMINATE/TRY_LATER');

      const leafPath = scratch.write('cli-leaf.pem', signer.pem);
      const refusedLeaf = await cli(['--json', 'trust', 'add', leafPath]);
      expect(refusedLeaf.code).toBe(1);
      expect(JSON.parse(refusedLeaf.stdout)).toMatchObject({ error: 'NOT_A_CA' });
      const twice = await cli(['trust', 'add', derPath]);
      expect(twice).toMatchObject({ code: 1, stderr: expect.stringMatching(/a trust anchor already/) });

      const removed = await cli(['trust', 'remove', anchor.id]);
      expect(removed).toMatchObject({ code: 0, stdout: expect.stringContaining(`removed trust anchor ${anchor.id} "CLI test root"`) });
      expect(await cli(['--json', 'trust', 'remove', anchor.id])).toMatchObject({
        code: 1,
        stdout: expect.stringContaining('ANCHOR_NOT_FOUND'),
      });
      expect((await cli(['trust', 'list'])).stdout).not.toContain('CLI test root');
    });
  });
});
