import '../support/silent.js';
import { X509Certificate } from 'node:crypto';
import { PkiService } from '../../src/pki/pki.service.js';
import { backend } from '../support/test-env.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { freshUscc, mustOpenssl, openssl, opensslAsync, Scratch } from './support.js';

/**
 * The CA's public endpoints on a running server, checked with openssl as a relying party would:
 * certificates, CRLs (openssl crl) and OCSP (openssl ocsp, POST and GET).
 */
describe(`the CA over HTTP on ${backend}`, () => {
  let server: TestServer;
  let pki: PkiService;
  const scratch = new Scratch();

  async function issue(name: string, uscc = freshUscc()): Promise<{ serial: string; path: string; uscc: string }> {
    const issued = await pki.issueFromCsr(scratch.csr(name), {
      profile: 'enterprise-licence',
      subject: { uscc, organizationName: `企业${name}` },
    });
    return { serial: issued.serial, path: scratch.write(`${name}.pem`, issued.pem), uscc };
  }

  /** `openssl ocsp` against the running responder; returns its whole output. */
  async function ocsp(leaf: string, extra: string[] = []): Promise<string> {
    const run = await opensslAsync([
      'ocsp',
      '-issuer',
      scratch.path('issuing.pem'),
      '-cert',
      leaf,
      '-url',
      `${server.url.replace('localhost', '127.0.0.1')}/pki/ocsp`,
      '-CAfile',
      scratch.path('root.pem'),
      '-resp_text',
      ...extra,
    ]);
    return `${run.stdout}\n${run.stderr}`;
  }

  async function fetchCrl(name: 'issuing' | 'root'): Promise<string> {
    const response = await fetch(`${server.url}/pki/crl/${name}.crl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    return scratch.write(`${name}.crl`, Buffer.from(await response.arrayBuffer()));
  }

  function crlText(path: string): string {
    return mustOpenssl(['crl', '-inform', 'DER', '-in', path, '-text', '-noout']);
  }

  beforeAll(async () => {
    server = await startTestServer();
    pki = server.app.get(PkiService);
    // Each test may run alone: the CA files are at hand from the start (the first test checks they are what HTTP serves).
    scratch.write('root.pem', (await pki.caCertificate('root')).pem);
    scratch.write('issuing.pem', (await pki.caCertificate('issuing')).pem);
  });
  afterAll(async () => {
    await server?.close();
    scratch.cleanup();
  });

  it('publishes the CA certificates as PEM and DER; unknown names are 404 not_found', async () => {
    const rootPem = await fetch(`${server.url}/pki/ca/root.pem`);
    expect(rootPem.status).toBe(200);
    expect(rootPem.headers.get('content-type')).toMatch(/^application\/x-pem-file/);
    const root = await rootPem.text();
    expect(root).toBe(scratch.read('root.pem').toString('utf8'));
    const issuingPem = await fetch(`${server.url}/pki/ca/issuing.pem`);
    const issuing = await issuingPem.text();
    expect(issuing).toBe(scratch.read('issuing.pem').toString('utf8'));
    expect(new X509Certificate(root).subject).toContain('CN=tongban Root CA');
    expect(new X509Certificate(issuing).subject).toContain('CN=tongban Issuing CA 1');

    for (const name of ['root', 'issuing']) {
      const der = await fetch(`${server.url}/pki/ca/${name}.cer`);
      expect(der.status).toBe(200);
      expect(der.headers.get('content-type')).toBe('application/pkix-cert');
      const bytes = Buffer.from(await der.arrayBuffer());
      expect(new X509Certificate(bytes).raw.equals(new X509Certificate(name === 'root' ? root : issuing).raw)).toBe(true);
    }
    expect(mustOpenssl(['verify', '-CAfile', scratch.path('root.pem'), scratch.path('issuing.pem')])).toContain(': OK');

    for (const path of ['/pki/ca/other.pem', '/pki/ca/root.der', '/pki/crl/other.crl', '/pki/ca/root']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
  });

  it('serves a v2 CRL that openssl verifies, listing a revoked certificate with its reason', async () => {
    const good = await issue('crl-good');
    const revoked = await issue('crl-revoked');
    const before = crlText(await fetchCrl('issuing'));
    expect(before).toMatch(/Version 2/);
    const numberBefore = Number(/X509v3 CRL Number:\s+(\d+)/.exec(before)![1]);

    await pki.revoke(revoked.serial, 'keyCompromise');
    const path = await fetchCrl('issuing');
    const text = crlText(path);
    expect(text).toContain(`Serial Number: ${revoked.serial.toUpperCase()}`);
    expect(text).not.toContain(good.serial.toUpperCase());
    expect(text).toMatch(/X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(text).toMatch(/Issuer: C = CN, O = tongban, CN = tongban Issuing CA 1/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    expect(Number(/X509v3 CRL Number:\s+(\d+)/.exec(text)![1])).toBeGreaterThan(numberBefore);
    const thisUpdate = Date.parse(/Last Update: (.+)/.exec(text)![1]);
    const nextUpdate = Date.parse(/Next Update: (.+)/.exec(text)![1]);
    expect(nextUpdate - thisUpdate).toBe(24 * 3600_000);
    const verified = openssl(['crl', '-inform', 'DER', '-in', path, '-CAfile', scratch.path('issuing.pem'), '-noout', '-verify']);
    expect(verified.stdout + verified.stderr).toContain('verify OK');
    // openssl, given the CRL, refuses the revoked certificate and accepts the other.
    const pemCrl = scratch.write('issuing-crl.pem', mustOpenssl(['crl', '-inform', 'DER', '-in', path]));
    const chain = ['-CAfile', scratch.path('root.pem'), '-untrusted', scratch.path('issuing.pem'), '-CRLfile', pemCrl, '-crl_check'];
    const refused = openssl(['verify', ...chain, revoked.path]);
    expect(refused.stdout + refused.stderr).toContain('certificate revoked');
    expect(mustOpenssl(['verify', ...chain, good.path])).toContain(': OK');

    // A hold shows as certificateHold; a release takes the entry off again.
    await pki.hold(good.serial);
    const held = crlText(await fetchCrl('issuing'));
    expect(held).toContain(`Serial Number: ${good.serial.toUpperCase()}`);
    expect(held).toMatch(/Certificate Hold/);
    await pki.releaseHold(good.serial);
    const released = crlText(await fetchCrl('issuing'));
    expect(released).not.toContain(good.serial.toUpperCase());
    expect(released).toContain(revoked.serial.toUpperCase());
  });

  it('serves the root CRL, signed by the root', async () => {
    const path = await fetchCrl('root');
    const text = crlText(path);
    expect(text).toMatch(/Issuer: C = CN, O = tongban, CN = tongban Root CA/);
    expect(text).toContain('No Revoked Certificates');
    const verified = openssl(['crl', '-inform', 'DER', '-in', path, '-CAfile', scratch.path('root.pem'), '-noout', '-verify']);
    expect(verified.stdout + verified.stderr).toContain('verify OK');
  });

  it('answers openssl ocsp: good, revoked with the reason, on hold, released, and never good for a foreign certificate', async () => {
    const leaf = await issue('ocsp');
    const first = await ocsp(leaf.path);
    expect(first).toContain('Response verify OK');
    expect(first).toContain(`${leaf.path}: good`);
    expect(first).toMatch(/Responder Id: [0-9A-F]{40}/); // byKey
    expect(first).toMatch(/OCSP Nonce/); // openssl sends one; it is echoed (or openssl would complain)
    expect(first).not.toMatch(/WARNING: no nonce|nonce verify error/i);

    await pki.hold(leaf.serial);
    const held = await ocsp(leaf.path);
    expect(held).toContain('Response verify OK');
    expect(held).toContain(`${leaf.path}: revoked`);
    expect(held).toMatch(/Reason: certificateHold/);

    await pki.releaseHold(leaf.serial);
    expect(await ocsp(leaf.path)).toContain(`${leaf.path}: good`);

    await pki.revoke(leaf.serial, 'cessationOfOperation');
    const revoked = await ocsp(leaf.path);
    expect(revoked).toContain('Response verify OK');
    expect(revoked).toContain(`${leaf.path}: revoked`);
    expect(revoked).toMatch(/Reason: cessationOfOperation/);
    expect(revoked).toMatch(/Revocation Time: /);
    // A revoked certificate never returns to good.
    await expect(pki.releaseHold(leaf.serial)).rejects.toMatchObject({ response: { error: 'certificate_revoked' } });
    expect(await ocsp(leaf.path)).toContain(`${leaf.path}: revoked`);

    // A certificate of another CA (openssl's): asked with its own issuer, tongban does not vouch for it.
    const foreign = scratch.foreignCa('foreign');
    scratch.write('foreign-root.pem', foreign.root);
    scratch.write('foreign-leaf.pem', foreign.leaf);
    const run = await opensslAsync([
      'ocsp',
      '-issuer',
      scratch.path('foreign-root.pem'),
      '-cert',
      scratch.path('foreign-leaf.pem'),
      '-url',
      `${server.url.replace('localhost', '127.0.0.1')}/pki/ocsp`,
      '-CAfile',
      scratch.path('root.pem'),
      '-resp_text',
    ]);
    const output = run.stdout + run.stderr;
    expect(output).toMatch(/foreign-leaf\.pem: unknown/);
    expect(output).not.toMatch(/foreign-leaf\.pem: good/);
    // A serial tongban never issued, under tongban's issuer: unknown.
    const unknownReq = scratch.path('unknown.req');
    mustOpenssl(['ocsp', '-issuer', scratch.path('issuing.pem'), '-serial', '0x4242424242', '-reqout', unknownReq, '-no_nonce']);
    const unknown = await postOcsp(scratch.read('unknown.req'));
    const unknownText = respText(unknown);
    expect(unknownText).toMatch(/Cert Status: unknown/);
    expect(unknownText).toContain('Response verify OK');
  });

  /** POSTs DER to the responder and returns the DER answer (content type checked). */
  async function postOcsp(body: Buffer, contentType = 'application/ocsp-request'): Promise<Buffer> {
    const response = await fetch(`${server.url}/pki/ocsp`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ocsp-response');
    return Buffer.from(await response.arrayBuffer());
  }

  function respText(der: Buffer): string {
    const path = scratch.write(`resp-${Math.random().toString(36).slice(2)}.der`, der);
    const run = openssl([
      'ocsp',
      '-respin',
      path,
      '-resp_text',
      '-CAfile',
      scratch.path('root.pem'),
      '-issuer',
      scratch.path('issuing.pem'),
    ]);
    return run.stdout + run.stderr;
  }

  it('answers the GET form (RFC 6960 A.1), with the request URL-encoded base64', async () => {
    const leaf = await issue('get');
    const requestPath = scratch.path('get.req');
    mustOpenssl(['ocsp', '-issuer', scratch.path('issuing.pem'), '-cert', leaf.path, '-reqout', requestPath, '-no_nonce']);
    const request = scratch.read('get.req');
    const get = async () => {
      const response = await fetch(`${server.url}/pki/ocsp/${encodeURIComponent(request.toString('base64'))}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/ocsp-response');
      return Buffer.from(await response.arrayBuffer());
    };
    const good = respText(await get());
    expect(good).toContain('Response verify OK');
    expect(good).toMatch(/Cert Status: good/);
    expect(good).toMatch(/Next Update: /);
    await pki.revoke(leaf.serial, 'superseded');
    const revoked = respText(await get());
    expect(revoked).toMatch(/Cert Status: revoked/);
    expect(revoked).toMatch(/Revocation Reason: superseded/);
    // Unencoded slashes in the path work too.
    const raw = await fetch(`${server.url}/pki/ocsp/${request.toString('base64')}`);
    expect(respText(Buffer.from(await raw.arrayBuffer()))).toMatch(/Cert Status: revoked/);
  });

  it('answers malformed requests with an OCSP malformedRequest, not JSON and not a 500', async () => {
    const malformed = Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]);
    expect((await postOcsp(Buffer.from('not an ocsp request'))).equals(malformed)).toBe(true);
    expect((await postOcsp(Buffer.alloc(0))).equals(malformed)).toBe(true);
    expect((await postOcsp(Buffer.from([0x30, 0x82, 0x01]))).equals(malformed)).toBe(true);
    expect((await postOcsp(Buffer.alloc(20_000, 0x30))).equals(malformed)).toBe(true);
    expect((await postOcsp(Buffer.from('{"a":1}'), 'application/json')).equals(malformed)).toBe(true);
    for (const path of ['/pki/ocsp/!!!', '/pki/ocsp/%E0%A4%A', '/pki/ocsp/AAAA']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/ocsp-response');
      expect(Buffer.from(await response.arrayBuffer()).equals(malformed)).toBe(true);
    }
    expect(respText(malformed)).toMatch(/Responder Error: malformedrequest/i);
  });
});
