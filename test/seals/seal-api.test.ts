import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate, createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { DEMO_ENTERPRISES } from '../../src/demo/demo-data.js';
import { makeCitizenId, makeUscc } from '../../src/identifiers/generate.js';
import { PkiService } from '../../src/pki/pki.service.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { decodeSeal, type DecodedSealV4 } from '../../src/seals/index.js';
import { SealsService } from '../../src/seals/seals.service.js';
import { opensslSm2Verify } from '../crypto/openssl-sm2.js';
import { ENTERPRISE_HEADER, freshUscc, mustOpenssl, openssl, Scratch, SM2_VERIFY } from '../pki/support.js';
import { client, registerService } from '../support/oidc.js';
import { enterpriseRecords } from '../support/records.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';
import { asn1parse, bitStringValue, elementBytes, layout, type Asn1Line } from './openssl-asn1.js';
import { decodePng } from './png-reader.js';

const ACME = DEMO_ENTERPRISES.find((e) => e.uscc === '91350100MA2YTB8K4L')!;
const SUSPENDED = DEMO_ENTERPRISES.find((e) => e.status === 'suspended')!;
const REPRESENTATIVE = makeCitizenId({ region: '350102', birthDate: '1980-05-05', sequence: 17 });
const SM2_WITH_SM3 = '1.2.156.10197.1.501';
const ECDSA_SHA256 = '1.2.840.10045.4.3.2';

/** The seal's layout by the reference ASN.1 (gbt38540.asn), as `openssl asn1parse` prints it: "depth TAG". */
function expectedLayout(signers: number): string[] {
  return [
    '0 SEQUENCE', // SESeal
    '1 SEQUENCE', // eSealInfo
    '2 SEQUENCE', // header
    '3 IA5STRING', // ID "ES"
    '3 INTEGER', // version 4
    '3 IA5STRING', // Vid
    '2 IA5STRING', // esID
    '2 SEQUENCE', // property
    '3 INTEGER', // type
    '3 UTF8STRING', // name
    '3 INTEGER', // certListType
    '3 SEQUENCE', // certList
    ...Array.from({ length: signers }, () => '4 OCTET STRING'),
    '3 GENERALIZEDTIME', // createDate
    '3 GENERALIZEDTIME', // validStart
    '3 GENERALIZEDTIME', // validEnd
    '2 SEQUENCE', // picture
    '3 IA5STRING', // type
    '3 OCTET STRING', // data
    '3 INTEGER', // width
    '3 INTEGER', // height
    '1 OCTET STRING', // cert
    '1 OBJECT', // signAlgID
    '1 BIT STRING', // signedValue
  ];
}

/** A small valid PNG (grey, 8-bit), made here with node:zlib. */
function tinyPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc((width + 1) * height))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pemOf = (der: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

describe(`seals: POST /api/v1/seals and the rest on ${backend}`, () => {
  let server: TestServer;
  let token: string;
  let regulator: string;
  const scratch = new Scratch();
  let sm2Licence: string;
  let p256Licence: string;

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, bearer: string | null = token) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const make = (body: Record<string, unknown>, headers: Record<string, string> = {}) => call('POST', '/api/v1/seals', body, headers);
  const inAYear = () => new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10);

  /** A licence certificate issued through the licence API for a fresh key (SM2 or P-256), PEM. */
  async function licence(uscc: string, key: 'sm2' | 'ec-p256' = 'sm2'): Promise<string> {
    const csr = scratch.csr(`${uscc}-${key}-${Math.random().toString(36).slice(2)}`, key, '/CN=x');
    const response = await call('POST', `/api/v1/enterprises/${uscc}/licence`, { csr }, {}, regulator);
    expect(response.status).toBe(201);
    return ((await response.json()) as { certificate: string }).certificate;
  }

  const importAs = (uscc: string, name: string, status: string) =>
    server.app
      .get(RegistryService)
      .importEnterprises(
        enterpriseRecords(`${ENTERPRISE_HEADER}\n${uscc},${name},有限责任公司,${REPRESENTATIVE},福州,2019-01-01,${status}\n`),
      );

  beforeAll(async () => {
    server = await startTestServer({ DEMO: '1' });
    const maker = await registerService(server, 'seal:make');
    token = (await client.clientCredentialsGrant(maker.config, { scope: 'seal:make' })).access_token;
    const market = await registerService(server, 'licence:issue');
    regulator = (await client.clientCredentialsGrant(market.config, { scope: 'licence:issue' })).access_token;
    sm2Licence = await licence(ACME.uscc, 'sm2');
    p256Licence = await licence(ACME.uscc, 'ec-p256');
  });
  afterAll(async () => {
    scratch.cleanup();
    await server.close();
  });

  it("makes an SM2 seal for the demo enterprise with its licence certificates: the reference layout, the maker's SM2 signature checked by openssl", async () => {
    const response = await make({
      holder: { uscc: ACME.uscc },
      type: 1,
      name: ACME.name,
      signerCertificates: [sm2Licence, p256Licence],
      validEnd: inAYear(),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      id: string;
      seal: string;
      sha256: string;
      validStart: string;
      validEnd: string;
      signers: Array<{ serial: string }>;
      transparency?: { log: string; index: number };
    };
    expect(body.id).toMatch(/^350100\d{8}$/);
    expect(response.headers.get('location')).toBe(`/api/v1/seals/${body.id}`);
    expect(body).toMatchObject({
      status: 'valid',
      type: 1,
      typeName: '公章',
      name: ACME.name,
      holder: { uscc: ACME.uscc },
      algorithm: 'sm2',
      signAlgID: SM2_WITH_SM3,
      revokedAt: null,
      picture: { type: 'PNG', widthMm: 42, heightMm: 42, widthPx: 672, heightPx: 672, drawn: true },
    });
    const der = Buffer.from(body.seal, 'base64');
    expect(body.sha256).toBe(createHash('sha256').update(der).digest('hex'));
    expect(body.signers.map((s: { serial: string }) => s.serial)).toEqual([
      new X509Certificate(sm2Licence).serialNumber.toLowerCase().replace(/^0+/, ''),
      new X509Certificate(p256Licence).serialNumber.toLowerCase().replace(/^0+/, ''),
    ]);

    // OpenSSL's own parser: the GB/T 38540 layout, field by field.
    const lines = asn1parse(scratch, der);
    expect(layout(lines)).toEqual(expectedLayout(2));
    const at = (tag: string, n = 0): Asn1Line => lines.filter((l) => l.tag === tag)[n];
    expect(lines[3].value).toBe('ES');
    expect(lines[4].value).toBe('04');
    expect(lines[5].value).toBe('tongban');
    expect(lines[6].value).toBe(body.id);
    expect(at('INTEGER', 1).value).toBe('01'); // type
    expect(at('INTEGER', 2).value).toBe('01'); // certListType: certificates
    expect(at('IA5STRING', 3).value).toBe('PNG');
    expect(at('OBJECT').value).toBe('SM2-with-SM3');

    // The maker's signature over DER(eSealInfo), by openssl with the default user ID, with the
    // certificate in the seal — tongban's SM2 seal-maker certificate, issued by its SM2 issuing CA.
    const eSealInfo = scratch.write('eSealInfo.der', elementBytes(der, lines[1]));
    const signedValue = bitStringValue(der, lines[lines.length - 1]);
    const makerLine = lines[lines.length - 3];
    const makerDer = der.subarray(makerLine.offset + makerLine.headerLength, makerLine.offset + makerLine.headerLength + makerLine.length);
    const makerPath = scratch.write('maker.pem', pemOf(makerDer));
    expect(opensslSm2Verify(scratch, makerPath, eSealInfo, signedValue, { certificate: true })).toBe(true);
    const tampered = Buffer.from(elementBytes(der, lines[1]));
    tampered[tampered.length - 1] ^= 1;
    expect(opensslSm2Verify(scratch, makerPath, scratch.write('tampered.der', tampered), signedValue, { certificate: true })).toBe(false);
    expect(mustOpenssl(['x509', '-in', makerPath, '-noout', '-subject', '-ext', 'extendedKeyUsage'])).toMatch(
      /1\.3\.6\.1\.5\.5\.7\.3\.36|Document Signing/i,
    );
    const issuing = scratch.write('sm2-issuing.pem', await (await fetch(`${server.url}/pki/ca/sm2-issuing.pem`)).text());
    expect(mustOpenssl(['verify', ...SM2_VERIFY, '-partial_chain', '-CAfile', issuing, makerPath])).toContain(': OK');

    // The signer certificates are in certList, byte for byte; the project's decoder reads the same.
    const seal = decodeSeal(der) as DecodedSealV4;
    expect(seal.layout).toBe('v4');
    expect(seal.eSealInfo.header).toEqual({ id: 'ES', version: 4, vid: 'tongban' });
    expect(seal.eSealInfo.esID).toBe(body.id);
    expect(seal.eSealInfo.property).toMatchObject({ type: 1, name: ACME.name });
    expect(seal.eSealInfo.property.certList).toEqual({
      kind: 'certs',
      certs: [new X509Certificate(sm2Licence).raw, new X509Certificate(p256Licence).raw],
    });
    expect(seal.eSealInfo.property.validStart.toISOString()).toBe(body.validStart);
    expect(seal.eSealInfo.property.validEnd.toISOString()).toBe(body.validEnd);
    // validEnd as a date: through that day, China time.
    expect(body.validEnd).toBe(new Date(Date.parse(`${inAYear()}T00:00:00+08:00`) + 86_400_000).toISOString());
    expect(seal.signAlgID).toBe(SM2_WITH_SM3);
    expect(seal.cert.equals(makerDer)).toBe(true);

    // Public look-ups: the seal and the enterprise's list, without a token.
    const got = await call('GET', `/api/v1/seals/${body.id}`, undefined, {}, null);
    expect(got.status).toBe(200);
    // The same seal; only the answer that made it names its leaf in the public issuance log.
    expect(body.transparency).toEqual({ log: 'issuance', index: expect.any(Number) });
    expect(await got.json()).toEqual({ ...body, transparency: undefined });
    const listed = (await (await call('GET', `/api/v1/enterprises/${ACME.uscc.toLowerCase()}/seals`, undefined, {}, null)).json()) as {
      seals: Array<Record<string, unknown>>;
    };
    const { seal: _der, transparency: _leaf, ...withoutDer } = body;
    expect(listed.seals).toContainEqual(withoutDer);
  });

  it('draws the usual round red seal: a PNG of 42 mm at 16 px/mm, red ink on a transparent background (read with node:zlib only)', async () => {
    const response = await make({
      holder: { uscc: ACME.uscc },
      type: 4,
      name: ACME.name,
      signerCertificates: [sm2Licence],
      validEnd: inAYear(),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { seal: string; typeName: string };
    expect(body.typeName).toBe('合同专用章');
    const der = Buffer.from(body.seal, 'base64');
    const lines = asn1parse(scratch, der);
    const pictureLine = lines.find((l) => l.tag === 'IA5STRING' && l.value === 'PNG')!;
    const dataLine = lines[lines.indexOf(pictureLine) + 1];
    const png = der.subarray(dataLine.offset + dataLine.headerLength, dataLine.offset + dataLine.headerLength + dataLine.length);
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([672, 672]);
    expect(image.pixelsPerMetre).toBe(16_000);
    expect(image.chunks[0]).toBe('IHDR');
    expect(image.chunks.at(-1)).toBe('IEND');
    // Corners outside the ring are transparent; the ring (top, left) and the star's centre are solid red.
    for (const [x, y] of [
      [0, 0],
      [671, 0],
      [0, 671],
      [671, 671],
      [40, 40],
    ])
      expect(image.rgba(x, y)[3]).toBe(0);
    const red = (x: number, y: number) => {
      const [r, g, b, a] = image.rgba(x, y);
      return a === 255 && r > 200 && g < 40 && b < 60;
    };
    expect(red(336, 13)).toBe(true); // top of the ring
    expect(red(13, 336)).toBe(true); // left of the ring
    expect(red(336, 336)).toBe(true); // the star
    // Every pixel with ink is the same red; about a tenth to a half of the square is inked.
    let inked = 0;
    const colours = new Set<string>();
    for (let y = 0; y < image.height; y++)
      for (let x = 0; x < image.width; x++) {
        const [r, g, b, a] = image.rgba(x, y);
        if (a === 0) continue;
        inked++;
        colours.add(`${r},${g},${b}`);
      }
    expect([...colours]).toEqual(['230,0,18']);
    expect(inked / (672 * 672)).toBeGreaterThan(0.1);
    expect(inked / (672 * 672)).toBeLessThan(0.5);
  });

  it('signs with P-256 when asked: ECDSA with SHA-256 by the P-256 seal-maker key, checked by openssl', async () => {
    const response = await make({
      holder: { uscc: ACME.uscc },
      type: 1,
      name: ACME.name,
      signerCertificates: [p256Licence],
      validEnd: inAYear(),
      algorithm: 'p256',
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { seal: string; algorithm: string; signAlgID: string };
    expect([body.algorithm, body.signAlgID]).toEqual(['p256', ECDSA_SHA256]);
    const der = Buffer.from(body.seal, 'base64');
    const lines = asn1parse(scratch, der);
    expect(layout(lines)).toEqual(expectedLayout(1));
    expect(lines[lines.length - 2].value).toBe('ecdsa-with-SHA256');
    const makerLine = lines[lines.length - 3];
    const makerPath = scratch.write('maker-p256.pem', pemOf(elementBytes(der, makerLine).subarray(makerLine.headerLength)));
    const publicKey = scratch.write('maker-p256.pub', mustOpenssl(['x509', '-in', makerPath, '-noout', '-pubkey']));
    const signature = scratch.write('p256.sig', bitStringValue(der, lines[lines.length - 1]));
    const eSealInfo = scratch.write('eSealInfo-p256.der', elementBytes(der, lines[1]));
    expect(mustOpenssl(['dgst', '-sha256', '-verify', publicKey, '-signature', signature, eSealInfo])).toContain('Verified OK');
    const issuing = scratch.write('issuing.pem', await (await fetch(`${server.url}/pki/ca/issuing.pem`)).text());
    expect(mustOpenssl(['verify', '-partial_chain', '-CAfile', issuing, makerPath])).toContain(': OK');
    expect((decodeSeal(der) as DecodedSealV4).signAlgID).toBe(ECDSA_SHA256);
  });

  it('keeps a picture sent with the request, and refuses one that is not a real PNG or does not fit', async () => {
    const png = Buffer.from(
      (
        (await (
          await make({ holder: { uscc: ACME.uscc }, type: 1, name: ACME.name, signerCertificates: [sm2Licence], validEnd: inAYear() })
        ).json()) as { seal: string }
      ).seal,
      'base64',
    );
    const picture = (decodeSeal(png) as DecodedSealV4).eSealInfo.picture.data;
    const kept = await make({
      holder: { uscc: ACME.uscc },
      type: 1,
      name: ACME.name,
      signerCertificates: [sm2Licence],
      validEnd: inAYear(),
      picture: { type: 'PNG', data: picture.toString('base64'), widthMm: 40, heightMm: 40 },
    });
    expect(kept.status).toBe(201);
    const keptBody = (await kept.json()) as { seal: string; picture: unknown };
    expect(keptBody.picture).toEqual({ type: 'PNG', widthMm: 40, heightMm: 40, widthPx: 672, heightPx: 672, drawn: false });
    expect((decodeSeal(Buffer.from(keptBody.seal, 'base64')) as DecodedSealV4).eSealInfo.picture.data.equals(picture)).toBe(true);

    const refused = async (pictureField: unknown, code: string, pattern?: RegExp) => {
      const response = await make({
        holder: { uscc: ACME.uscc },
        type: 1,
        name: ACME.name,
        signerCertificates: [sm2Licence],
        validEnd: inAYear(),
        picture: pictureField,
      });
      expect(response.status).toBe(400);
      const error = (await response.json()) as { error: string; message: string };
      expect(error.error).toBe(code);
      if (pattern) expect(error.message).toMatch(pattern);
    };
    const jpeg = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
    await refused({ type: 'PNG', data: jpeg.toString('base64') }, 'invalid_picture', /not a PNG file/);
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    await refused({ type: 'GIF', data: gif.toString('base64') }, 'validation_failed');
    const broken = Buffer.from(picture);
    broken[44] ^= 0xff; // inside the second chunk's data: its CRC no longer matches
    await refused({ type: 'PNG', data: broken.toString('base64') }, 'invalid_picture', /CRC/);
    await refused({ type: 'PNG', data: picture.subarray(0, 100).toString('base64') }, 'invalid_picture', /ends inside a chunk|runs past/);
    await refused({ type: 'PNG', data: picture.toString('base64'), widthMm: 42, heightMm: 21 }, 'invalid_picture', /stretched/);
    await refused({ type: 'PNG', data: tinyPng(64, 64).toString('base64') }, 'invalid_picture', /pixels per millimetre/);
    await refused(
      { type: 'PNG', data: Buffer.concat([picture, Buffer.from('trailing')]).toString('base64') },
      'invalid_picture',
      /after the IEND/,
    );
    await refused({ type: 'PNG', data: 'not base64!' }, 'validation_failed');
  });

  it('refuses what it must, each with its status and stable code', async () => {
    const base = { holder: { uscc: ACME.uscc }, type: 1, name: ACME.name, signerCertificates: [sm2Licence], validEnd: inAYear() };
    const expectError = async (body: Record<string, unknown>, status: number, code: string, pattern?: RegExp) => {
      const response = await make(body);
      const error = (await response.json()) as { error: string; message: string };
      expect([response.status, error.error]).toEqual([status, code]);
      if (pattern) expect(error.message).toMatch(pattern);
    };
    // The name must be the registered name.
    await expectError({ ...base, name: '福州通办科技有限公司' }, 422, 'name_mismatch', /福州通办示范科技有限公司/);
    // Only an active enterprise; only one in the register.
    await expectError({ ...base, holder: { uscc: SUSPENDED.uscc }, name: SUSPENDED.name }, 409, 'enterprise_not_active', /suspended/);
    await expectError(
      { ...base, holder: { uscc: makeUscc({ region: '110000', organisationBody: 'MA0000XY' }) } },
      404,
      'enterprise_not_found',
    );
    // Another enterprise's licence certificate.
    const other = freshUscc();
    await importAs(other, '另一家企业有限公司', 'active');
    const othersLicence = await licence(other, 'ec-p256');
    await expectError(
      { ...base, signerCertificates: [sm2Licence, othersLicence] },
      422,
      'signer_certificate_not_enterprises',
      new RegExp(`another enterprise \\(${other}\\)`),
    );
    // A certificate tongban did not issue, and one of tongban's that is not a licence.
    const foreign = scratch.foreignCa('foreign');
    await expectError({ ...base, signerCertificates: [foreign.leaf] }, 422, 'signer_certificate_not_enterprises', /not issued by tongban/);
    const pki = server.app.get(PkiService);
    const sealMakerProfile = await pki.issueFromCsr(scratch.csr('acme-seal-maker', 'ec-p256'), {
      profile: 'seal-maker',
      subject: { uscc: ACME.uscc, organizationName: ACME.name },
    });
    await expectError(
      { ...base, signerCertificates: [sealMakerProfile.pem] },
      422,
      'signer_certificate_not_enterprises',
      /not an electronic business licence/,
    );
    // A revoked licence certificate.
    const revoked = await licence(ACME.uscc, 'sm2');
    await pki.revoke(new X509Certificate(revoked).serialNumber, 'keyCompromise');
    await expectError({ ...base, signerCertificates: [revoked] }, 422, 'signer_certificate_revoked', /keyCompromise/);
    // A licence certificate for a P-384 key: seals name SM2 and P-256 signers only.
    const p384 = await pki.issueFromCsr(scratch.csr('acme-p384', 'ec-p384'), {
      profile: 'enterprise-licence',
      subject: { uscc: ACME.uscc, organizationName: ACME.name, commonName: ACME.name },
    });
    await expectError({ ...base, signerCertificates: [p384.pem] }, 422, 'signer_certificate_key_unsupported');
    // Not certificates at all, or one twice.
    await expectError(
      { ...base, signerCertificates: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'] },
      400,
      'invalid_certificate',
    );
    await expectError({ ...base, signerCertificates: [sm2Licence, sm2Licence] }, 400, 'invalid_certificate', /listed twice/);
    // Validity: required, not dated back, not past the certificates.
    const { validEnd: _omit, ...noEnd } = base;
    await expectError(noEnd, 400, 'validation_failed');
    await expectError({ ...base, validEnd: '2027-02-30' }, 400, 'validation_failed');
    await expectError({ ...base, validStart: '2020-01-01' }, 400, 'invalid_validity', /past/);
    await expectError({ ...base, validStart: '2027-03-01', validEnd: '2027-02-01' }, 400, 'invalid_validity');
    const certificateEnd = new Date(new X509Certificate(sm2Licence).validTo);
    await expectError(
      { ...base, validEnd: new Date(certificateEnd.getTime() + 86_400_000).toISOString() },
      422,
      'validity_exceeds_certificates',
    );
    // Malformed requests.
    await expectError({ ...base, type: 2 }, 400, 'validation_failed');
    await expectError({ ...base, holder: { uscc: 'nope' } }, 400, 'validation_failed');
    await expectError({ ...base, signerCertificates: [] }, 400, 'validation_failed');
    await expectError({ ...base, algorithm: 'rsa' }, 400, 'validation_failed');
    await expectError({ ...base, extra: 1 }, 400, 'validation_failed');
  });

  it('refuses to draw a name with characters the seal font lacks (asking for a picture), and makes it with one', async () => {
    const uscc = freshUscc();
    const name = '福州喆堃科技有限公司';
    await importAs(uscc, name, 'active');
    const certificate = await licence(uscc, 'sm2');
    const response = await make({ holder: { uscc }, type: 1, name, signerCertificates: [certificate], validEnd: inAYear() });
    expect(response.status).toBe(422);
    const error = (await response.json()) as { error: string; message: string; details: { characters: string[] } };
    expect(error.error).toBe('font_lacks_characters');
    expect(error.message).toMatch(/"喆" \(U\+5586\), "堃" \(U\+5803\).*send the seal's picture/);
    expect(error.details.characters).toEqual(['喆', '堃']);
    const picture = (
      decodeSeal(
        Buffer.from(
          (
            (await (
              await make({ holder: { uscc: ACME.uscc }, type: 1, name: ACME.name, signerCertificates: [sm2Licence], validEnd: inAYear() })
            ).json()) as { seal: string }
          ).seal,
          'base64',
        ),
      ) as DecodedSealV4
    ).eSealInfo.picture.data;
    const withPicture = await make({
      holder: { uscc },
      type: 1,
      name,
      signerCertificates: [certificate],
      validEnd: inAYear(),
      picture: { type: 'PNG', data: picture.toString('base64') },
    });
    expect(withPicture.status).toBe(201);
  });

  it('revokes a seal for good, recording the time: GET shows it, and statusAt answers by esID and by the DER hash', async () => {
    const made = (await (
      await make({ holder: { uscc: ACME.uscc }, type: 4, name: ACME.name, signerCertificates: [sm2Licence], validEnd: inAYear() })
    ).json()) as {
      id: string;
      seal: string;
    };
    expect((await call('POST', `/api/v1/seals/${made.id}/revoke`, { reason: 'superseded' }, {}, null)).status).toBe(401);
    expect((await call('POST', `/api/v1/seals/${made.id}/revoke`, { reason: 'lost it' })).status).toBe(400);
    const before = new Date();
    const response = await call('POST', `/api/v1/seals/${made.id}/revoke`, { reason: 'superseded' });
    expect(response.status).toBe(200);
    const revoked = (await response.json()) as { status: string; revokedAt: string; revocationReason: string };
    expect(revoked).toMatchObject({ status: 'revoked', revocationReason: 'superseded' });
    const revokedAt = new Date(revoked.revokedAt);
    expect(revokedAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(await (await call('GET', `/api/v1/seals/${made.id}`, undefined, {}, null)).json()).toMatchObject({
      status: 'revoked',
      revokedAt: revoked.revokedAt,
      revocationReason: 'superseded',
    });
    const again = await call('POST', `/api/v1/seals/${made.id}/revoke`, { reason: 'compromised' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toBe('seal_revoked');
    expect((await call('POST', '/api/v1/seals/35010099999999/revoke', { reason: 'superseded' })).status).toBe(404);
    expect((await call('GET', '/api/v1/seals/35010099999999', undefined, {}, null)).status).toBe(404);
    expect((await call('GET', '/api/v1/seals/not-an-id', undefined, {}, null)).status).toBe(400);

    // For verifiers: a stamp made before the revocation finds the seal good then, one made after finds it revoked.
    const seals = server.app.get(SealsService);
    const der = Buffer.from(made.seal, 'base64');
    const earlier = new Date(revokedAt.getTime() - 60_000);
    const later = new Date(revokedAt.getTime() + 1);
    expect(await seals.statusAt({ esID: made.id }, earlier)).toMatchObject({ status: 'good', revokedAt });
    expect(await seals.statusAt({ esID: made.id }, later)).toMatchObject({ status: 'revoked', revocationReason: 'superseded' });
    expect(await seals.statusAt({ der }, later)).toMatchObject({ esID: made.id, status: 'revoked' });
    expect(await seals.statusAt({ sha256: createHash('sha256').update(der).digest() }, earlier)).toMatchObject({ status: 'good' });
    expect(await seals.statusAt({ esID: '35010099999999' })).toBeNull();
    expect(await seals.statusAt({ der: Buffer.from('not a seal') })).toBeNull();
  });

  it('follows the register: cancelling (or revoking) an enterprise revokes its seals; suspending it leaves them', async () => {
    const seals = async (uscc: string) =>
      (
        (await (await call('GET', `/api/v1/enterprises/${uscc}/seals`, undefined, {}, null)).json()) as {
          seals: Array<{ id: string; status: string; revocationReason: string | null }>;
        }
      ).seals;
    const makeFor = async (uscc: string, name: string) => {
      const certificate = await licence(uscc, 'sm2');
      const response = await make({ holder: { uscc }, type: 1, name, signerCertificates: [certificate], validEnd: inAYear() });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const cancelled = freshUscc();
    await importAs(cancelled, '将注销企业有限公司', 'active');
    const [a, b] = [await makeFor(cancelled, '将注销企业有限公司'), await makeFor(cancelled, '将注销企业有限公司')];
    const bystander = freshUscc();
    await importAs(bystander, '旁观企业有限公司', 'active');
    const c = await makeFor(bystander, '旁观企业有限公司');

    await importAs(cancelled, '将注销企业有限公司', 'suspended');
    expect((await seals(cancelled)).map((s) => s.status)).toEqual(['valid', 'valid']);
    await importAs(cancelled, '将注销企业有限公司', 'cancelled');
    expect(await seals(cancelled)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: a, status: 'revoked', revocationReason: 'cessationOfOperation' }),
        expect.objectContaining({ id: b, status: 'revoked', revocationReason: 'cessationOfOperation' }),
      ]),
    );
    expect(await seals(bystander)).toEqual([expect.objectContaining({ id: c, status: 'valid' })]);
    await importAs(bystander, '旁观企业有限公司', 'revoked');
    expect(await seals(bystander)).toEqual([expect.objectContaining({ id: c, status: 'revoked', revocationReason: 'privilegeWithdrawn' })]);
    expect((await call('GET', `/api/v1/enterprises/${freshUscc()}/seals`, undefined, {}, null)).status).toBe(404);
  });

  it('makes retries safe with an Idempotency-Key: the same request answers the same seal, another request with that key is refused', async () => {
    const body = { holder: { uscc: ACME.uscc }, type: 1, name: ACME.name, signerCertificates: [sm2Licence], validEnd: inAYear() };
    const key = `retry-${Math.random().toString(36).slice(2)}`;
    const first = await make(body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const made = (await first.json()) as { id: string };
    // The same request, its keys in another order and the key quoted as RFC 8941 strings are.
    const { holder, ...rest } = body;
    const retry = await make({ ...rest, holder }, { 'idempotency-key': `"${key}"` });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(made);
    const other = await make({ ...body, type: 4 }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: string }).error).toBe('idempotency_key_reused');
    expect((await make(body, { 'idempotency-key': 'has spaces in it' })).status).toBe(400);
    // Without a key every request makes a seal.
    const [x, y] = await Promise.all([make(body), make(body)]);
    expect(((await x.json()) as { id: string }).id).not.toBe(((await y.json()) as { id: string }).id);
  });

  it('is for the seal-making authority (scope seal:make)', async () => {
    const body = { holder: { uscc: ACME.uscc }, type: 1, name: ACME.name, signerCertificates: [sm2Licence], validEnd: inAYear() };
    expect((await call('POST', '/api/v1/seals', body, {}, regulator)).status).toBe(403);
    expect((await call('POST', '/api/v1/seals', body, {}, null)).status).toBe(401);
    expect(openssl(['version']).status).toBe(0);
  });
});
