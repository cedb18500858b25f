import {
  checkReferences,
  OfdFormatError,
  OfdStampError,
  readOfd,
  SIGNATURE_METHOD,
  stampOfd,
  type OfdSignature,
  type StampOptions,
} from '../../src/ofd/index.js';
import { bytes, fixture, rezip, text, unzipFiles } from './fixtures.js';
import { independentlyRead } from './independent-checker.js';

const SEAL = fixture('UserV4.esl');
const PICTURE = fixture('StampImg.png');
const AT = new Date('2026-03-04T05:06:07Z');

/** A stamp whose sign callback records what it was given and answers a recognisable dummy value. */
function stamping(overrides: Partial<StampOptions> = {}) {
  const signed: Buffer[] = [];
  const options: StampOptions = {
    page: 1,
    x: 20,
    y: 30,
    width: 40,
    height: 40,
    seal: SEAL,
    provider: { name: 'tongban', version: '0.1.0', company: 'tongban' },
    signingTime: AT,
    sign: (signatureXml) => {
      signed.push(signatureXml);
      return Promise.resolve(Buffer.concat([Buffer.from('dummy SES_Signature over '), signatureXml.subarray(-16)]));
    },
    ...overrides,
  };
  return { options, signed };
}

function signatures(ofd: Uint8Array): OfdSignature[] {
  const read = readOfd(ofd);
  return read.documents[0].signatures.map((entry) => {
    if (entry.kind !== 'signature') throw new Error(entry.reason);
    expect(checkReferences(read, entry)).toMatchObject({ intact: true, signaturesListChangedBy: [] });
    return entry;
  });
}

describe('stamping an OFD', () => {
  it.each([
    ['helloworld.ofd', 1, '1'],
    ['VPage7.ofd', 2, '21'],
  ])('stamps %s on page %i: a package that an independent checker accepts', async (name, page, pageId) => {
    const original = fixture(name);
    const { options, signed } = stamping({ page, x: 150.5, y: 240, width: 42, height: 42 });
    const stamped = await stampOfd(original, options);

    const seen = independentlyRead(stamped);
    expect(seen.signaturesPath).toBe('Doc_0/Signs/Signatures.xml');
    expect(seen.signatures).toHaveLength(1);
    const [signature] = seen.signatures;
    expect(signature).toMatchObject({ id: 's001', type: 'Seal', signatureXmlPath: 'Doc_0/Signs/Sign_0/Signature.xml' });
    expect(signature.signatureMethod).toBe('1.2.156.10197.1.501');
    expect(signature.checkMethod).toBe('1.2.156.10197.1.401');
    // Every file but Signatures.xml and the signature's own Signature.xml and SignedValue.dat, each with its SM3.
    const expected = [...seen.files.keys()].filter(
      (path) => !['Doc_0/Signs/Signatures.xml', 'Doc_0/Signs/Sign_0/Signature.xml', 'Doc_0/Signs/Sign_0/SignedValue.dat'].includes(path),
    );
    expect(signature.references.map((reference) => reference.path).sort()).toEqual(expected.sort());
    expect(expected).toEqual(
      expect.arrayContaining(['OFD.xml', 'Doc_0/Document.xml', `Doc_0/Pages/Page_${page - 1}/Content.xml`, 'Doc_0/Signs/Sign_0/Seal.esl']),
    );
    for (const reference of signature.references) expect(reference.checkValue).toBe(reference.sm3);
    expect(signature.stampAnnots).toEqual([{ id: 's002', pageRef: pageId, boundary: [150.5, 240, 42, 42] }]);
    expect(seen.pageIds[page - 1]).toBe(pageId);
    expect(Buffer.from(signature.signatureXml)).toEqual(signed[0]);
    expect(Buffer.from(signature.signedValue)).toEqual(Buffer.concat([Buffer.from('dummy SES_Signature over '), signed[0].subarray(-16)]));
    // The picture OFD readers draw in the box is the seal's own (GB/T 38540 ESPictrueInfo), inside Seal.esl and the signed value.
    expect(Buffer.from(signature.seal!)).toEqual(SEAL);
    expect(Buffer.from(signature.seal!).includes(PICTURE)).toBe(true);

    // Every file of the original is still there, unchanged, but OFD.xml, which now points at Signatures.xml.
    const before = unzipFiles(original);
    for (const [path, data] of before) if (path !== 'OFD.xml') expect(Buffer.from(seen.files.get(path)!)).toEqual(Buffer.from(data));
    expect(text(seen.files.get('OFD.xml')!)).toBe(
      text(before.get('OFD.xml')!).replace('</ofd:DocRoot>', '</ofd:DocRoot><ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>'),
    );

    const [read] = signatures(stamped);
    expect(read).toMatchObject({
      id: 's001',
      type: 'Seal',
      signatureDateTime: '20260304050607Z',
      provider: { name: 'tongban', version: '0.1.0', company: 'tongban' },
    });
  });

  it('copies the entries it does not change as they were stored (no re-deflating), also those written with data descriptors', async () => {
    const original = fixture('v4signed.ofd');
    const stamped = await stampOfd(original, stamping().options);
    const before = readOfd(original).entries;
    const after = new Map(readOfd(stamped).entries.map((entry) => [entry.name, entry]));
    for (const entry of before) {
      if (entry.name === 'Doc_0/Signs/Signatures.xml') continue;
      expect(after.get(entry.name)!.stored).toMatchObject({
        method: entry.stored.method,
        crc32: entry.stored.crc32,
        compressed: entry.stored.compressed,
      });
    }
    // The document already had Signatures.xml, so OFD.xml was left alone.
    expect(independentlyRead(stamped).files.get('OFD.xml')).toEqual(unzipFiles(original).get('OFD.xml'));
  });

  it('keeps the first stamp intact through a second one, which protects the first one’s files too', async () => {
    const once = await stampOfd(fixture('VPage7.ofd'), stamping({ page: 2 }).options);
    const twice = await stampOfd(once, stamping({ page: 5, x: 100, y: 100 }).options);
    const [first, second] = signatures(twice);
    expect(first).toMatchObject({ id: 's001', path: 'Doc_0/Signs/Sign_0/Signature.xml', stampAnnots: [{ id: 's002', pageRef: '21' }] });
    expect(second).toMatchObject({ id: 's003', path: 'Doc_0/Signs/Sign_1/Signature.xml', stampAnnots: [{ id: 's004', pageRef: '83' }] });
    expect(second.references.map((reference) => reference.path)).toEqual(
      expect.arrayContaining(['Doc_0/Signs/Sign_0/Signature.xml', 'Doc_0/Signs/Sign_0/SignedValue.dat', 'Doc_0/Signs/Sign_0/Seal.esl']),
    );
    const seen = independentlyRead(twice);
    expect(seen.signatures.map((signature) => signature.id)).toEqual(['s001', 's003']);
    for (const signature of seen.signatures) for (const reference of signature.references) expect(reference.checkValue).toBe(reference.sm3);
    expect(text(seen.files.get('Doc_0/Signs/Signatures.xml')!)).toContain('<ofd:MaxSignId>s004</ofd:MaxSignId>');
  });

  it('continues the ID scheme and folders of the signatures already there', async () => {
    const cases: Array<[string, string[], string]> = [
      ['signedFile.ofd', ['2', '3'], '4'],
      ['allprotected.ofd', ['001', '003'], '004'],
      ['DigitalSign.ofd', ['s001', 's002'], 's003'],
    ];
    for (const [name, ids, max] of cases) {
      const stamped = await stampOfd(fixture(name), stamping().options);
      const read = readOfd(stamped);
      expect(read.documents[0].signatures.map((entry) => entry.id)).toEqual(ids);
      expect(read.documents[0].maxSignId).toBe(max);
      expect(read.documents[0].signatures[1]).toMatchObject({ path: 'Doc_0/Signs/Sign_1/Signature.xml' });
    }
  });

  it('stamps a document written in the yearless namespace, pointing its OFD.xml at the list in that namespace', async () => {
    const stamped = await stampOfd(fixture('namespace_no_std.ofd'), stamping().options);
    expect(text(unzipFiles(stamped).get('OFD.xml')!)).toContain(
      '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>',
    );
    expect(signatures(stamped)).toHaveLength(1);
  });

  it('writes the ECDSA signature method and SHA-256 references when asked', async () => {
    const stamped = await stampOfd(
      fixture('helloworld.ofd'),
      stamping({ signatureMethod: SIGNATURE_METHOD.ecdsaP256, digest: 'sha256' }).options,
    );
    const [signature] = signatures(stamped);
    expect(signature).toMatchObject({ signatureMethod: '1.2.840.10045.4.3.2', checkMethod: '2.16.840.1.101.3.4.2.1' });
  });

  it('gives the same bytes for the same input and time', async () => {
    const a = await stampOfd(fixture('helloworld.ofd'), stamping().options);
    const b = await stampOfd(fixture('helloworld.ofd'), stamping().options);
    expect(a.equals(b)).toBe(true);
  });

  it('refuses what does not fit the document, before signing anything', async () => {
    const refusals: Array<[Partial<StampOptions>, string]> = [
      [{ page: 2 }, 'the document has 1 page(s), not a page 2'],
      [{ page: 0 }, 'page must be a whole number from 1'],
      [{ x: 180 }, 'the stamp does not lie on the page (its box is 210 × 297 mm)'],
      [{ y: -1 }, 'the stamp does not lie on the page (its box is 210 × 297 mm)'],
      [{ width: 0 }, 'width and height must be above 0'],
      [{ height: Number.NaN }, 'height must be a number of millimetres'],
      [{ seal: new Uint8Array(0) }, 'the seal is empty'],
      [{ document: 1 }, 'the package has no document 2'],
      [{ signingTime: new Date(Number.NaN) }, 'signingTime is not a date'],
    ];
    for (const [overrides, message] of refusals) {
      const { options, signed } = stamping(overrides);
      await expect(stampOfd(fixture('helloworld.ofd'), options)).rejects.toThrow(new OfdStampError(message));
      expect(signed).toEqual([]);
    }
  });

  it('tells the sign callback where Signature.xml is, its ID and the signing time (what TBS_Sign carries besides the hash)', async () => {
    const contexts: unknown[] = [];
    const { options } = stamping();
    await stampOfd(fixture('allprotected.ofd'), {
      ...options,
      sign: (signatureXml, context) => {
        contexts.push(context);
        return options.sign(signatureXml, context);
      },
    });
    expect(contexts).toEqual([{ signatureLoc: '/Doc_0/Signs/Sign_1/Signature.xml', signatureId: '003', signingTime: AT }]);
  });

  it('will not write over a Signatures.xml that OFD.xml does not point at, or under a file', async () => {
    const stale = rezip(fixture('helloworld.ofd'), (files) => files.set('Doc_0/Signs/Signatures.xml', bytes('<x/>')));
    await expect(stampOfd(stale, stamping().options)).rejects.toThrow(
      new OfdStampError('Doc_0/Signs/Signatures.xml cannot be created: the package has an entry there'),
    );
    const file = rezip(fixture('helloworld.ofd'), (files) => files.set('Doc_0/Signs', bytes('a file')));
    await expect(stampOfd(file, stamping().options)).rejects.toThrow(OfdStampError);
  });

  it('refuses an empty signature, passes on what the callback throws, and refuses a malformed package as OfdFormatError', async () => {
    await expect(stampOfd(fixture('helloworld.ofd'), stamping({ sign: () => Promise.resolve(new Uint8Array(0)) }).options)).rejects.toThrow(
      OfdStampError,
    );
    const failure = new Error('the key is locked');
    await expect(stampOfd(fixture('helloworld.ofd'), stamping({ sign: () => Promise.reject(failure) }).options)).rejects.toBe(failure);
    await expect(stampOfd(fixture('helloworld.ofd').subarray(0, 1000), stamping().options)).rejects.toThrow(OfdFormatError);
  });
});
