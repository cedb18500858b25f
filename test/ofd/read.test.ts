import { OfdFormatError, readOfd, readPageBox, type OfdSignature } from '../../src/ofd/index.js';
import { bytes, fixture, rezip, text } from './fixtures.js';

function onlySignature(name: string): OfdSignature {
  const [signature, ...others] = readOfd(fixture(name)).documents[0].signatures;
  expect(others).toEqual([]);
  if (signature?.kind !== 'signature') throw new Error(`${name}: ${JSON.stringify(signature)}`);
  return signature;
}

describe('reading the shared OFD fixtures', () => {
  it.each([
    ['helloworld.ofd', 1],
    ['VPage7.ofd', 5],
    ['namespace_no_std.ofd', 1],
  ])('reads the unsigned %s: %i page(s), no signatures', (name, pages) => {
    const ofd = readOfd(fixture(name));
    expect(ofd.documents).toHaveLength(1);
    const [document] = ofd.documents;
    expect(document.path).toBe('Doc_0/Document.xml');
    expect(document.pages).toHaveLength(pages);
    expect(document.pageArea).toEqual({ x: 0, y: 0, width: 210, height: 297 });
    expect(document.signaturesPath).toBeUndefined();
    expect(document.signatures).toEqual([]);
  });

  it("reads VPage7's page IDs and paths relative to Document.xml's folder", () => {
    const { pages } = readOfd(fixture('VPage7.ofd')).documents[0];
    expect(pages.map((page) => [page.number, page.id, page.path])).toEqual([
      [1, '1', 'Doc_0/Pages/Page_0/Content.xml'],
      [2, '21', 'Doc_0/Pages/Page_1/Content.xml'],
      [3, '43', 'Doc_0/Pages/Page_2/Content.xml'],
      [4, '63', 'Doc_0/Pages/Page_3/Content.xml'],
      [5, '83', 'Doc_0/Pages/Page_4/Content.xml'],
    ]);
  });

  it("reads a page's own physical box before the document's", () => {
    const ofd = readOfd(fixture('v4signed.ofd'));
    const document = ofd.documents[0];
    expect(document.pageArea).toEqual({ x: 0, y: 0, width: 210, height: 297 });
    // The invoice page says 210 × 140 itself; its template's path (TPLS/ for Tpls/) is wrong, and not needed.
    expect(readPageBox(ofd, document, document.pages[0])).toEqual({ x: 0, y: 0, width: 210, height: 140 });
  });

  it("takes a page's box from its template when the page has none, before the document's", () => {
    const templated = rezip(fixture('helloworld.ofd'), (files) => {
      const document = text(files.get('Doc_0/Document.xml')!);
      files.set(
        'Doc_0/Document.xml',
        bytes(document.replace('</ofd:PageArea>', '</ofd:PageArea><ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/>')),
      );
      const page = text(files.get('Doc_0/Pages/Page_0/Content.xml')!);
      files.set('Doc_0/Pages/Page_0/Content.xml', bytes(page.replace('<ofd:Content>', '<ofd:Template TemplateID="9"/><ofd:Content>')));
      files.set(
        'Doc_0/Tpls/Tpl_0/Content.xml',
        bytes(
          '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Area><ofd:PhysicalBox>0 0 100 150</ofd:PhysicalBox></ofd:Area></ofd:Page>',
        ),
      );
    });
    const ofd = readOfd(templated);
    const document = ofd.documents[0];
    expect(readPageBox(ofd, document, document.pages[0])).toEqual({ x: 0, y: 0, width: 100, height: 150 });
  });

  it('reads v4signed.ofd: a tax-invoice seal, paths in DocBody relative, in Signature.xml absolute', () => {
    const signature = onlySignature('v4signed.ofd');
    expect(signature).toMatchObject({
      id: '1',
      type: 'Seal',
      path: 'Doc_0/Signs/Sign_0/Signature.xml',
      provider: { name: 'gomain_eseal', version: '2.0', company: 'BW' },
      signatureMethod: '1.2.156.10197.1.501',
      signatureDateTime: '20201010151120',
      checkMethod: '1.2.156.10197.1.401',
      stampAnnots: [{ id: '1', pageRef: '1', boundary: { x: 90, y: 8, width: 30, height: 20 }, clip: undefined }],
      sealPath: undefined,
      seal: undefined,
      signedValuePath: 'Doc_0/Signs/Sign_0/SignedValue.dat',
    });
    expect(signature.references).toHaveLength(13);
    expect(signature.references[0]).toEqual({
      fileRef: '/Doc_0/Attachs/Attachments.xml',
      path: 'Doc_0/Attachs/Attachments.xml',
      checkValue: expect.any(String),
    });
    expect(signature.signedValue).toHaveLength(6439);
    expect(signature.signatureXml).toHaveLength(2418);
    expect(readOfd(fixture('v4signed.ofd')).documents[0].maxSignId).toBe('1');
  });

  it('reads the ofdrw seals with their Seal.esl', () => {
    for (const name of ['allprotected.ofd', 'SESV4SignDoc.ofd']) {
      const signature = onlySignature(name);
      expect(signature).toMatchObject({
        type: 'Seal',
        provider: { name: 'ofdrw-sign', company: 'ofdrw' },
        checkMethod: 'SM3',
        sealPath: 'Doc_0/Signs/Sign_0/Seal.esl',
      });
      expect(signature.seal).toEqual(fixture('UserV4.esl'));
      expect(signature.stampAnnots[0].boundary).toEqual({ x: 50, y: 50, width: 40, height: 40 });
    }
  });

  it('reads signedFile.ofd (a Jiangsu tax invoice) and its exact Signature.xml bytes', () => {
    const signature = onlySignature('signedFile.ofd');
    expect(signature).toMatchObject({ id: '2', type: 'Seal', signatureDateTime: '20201004072855.302Z' });
    expect(signature.references).toHaveLength(13);
    expect(text(signature.signatureXml)).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<ofd:Signature /);
  });

  it('recognises the Sign-type signature of DigitalSign.ofd (its value is a CMS SignedData, not an SES)', () => {
    const signature = onlySignature('DigitalSign.ofd');
    expect(signature).toMatchObject({ id: 's001', type: 'Sign', stampAnnots: [], sealPath: undefined });
    expect(signature.references).toHaveLength(4);
    expect(signature.signedValue[0]).toBe(0x30);
  });

  it('reads by namespace, not by prefix: another prefix, or a default namespace, reads the same', () => {
    const withPrefix = (prefix: string) =>
      rezip(fixture('v4signed.ofd'), (files) => {
        for (const [name, data] of files) {
          if (name.endsWith('.xml'))
            files.set(
              name,
              bytes(
                text(data)
                  .replace(/(<\/?)ofd:/g, `$1${prefix}`)
                  .replace(/xmlns:ofd=/g, prefix ? `xmlns:${prefix.slice(0, -1)}=` : 'xmlns='),
              ),
            );
        }
      });
    const expected = onlySignature('v4signed.ofd');
    for (const prefix of ['o:', 'a1:', '']) {
      const [signature] = readOfd(withPrefix(prefix)).documents[0].signatures;
      expect(signature).toMatchObject({
        kind: 'signature',
        id: expected.id,
        references: expected.references,
        stampAnnots: expected.stampAnnots,
      });
    }
  });

  it('does not take an element of another namespace that merely has the ofd prefix', () => {
    const other = rezip(fixture('helloworld.ofd'), (files) => {
      files.set('OFD.xml', bytes(text(files.get('OFD.xml')!).replace('http://www.ofdspec.org/2016', 'http://example.com/not-ofd')));
    });
    expect(() => readOfd(other)).toThrow(new OfdFormatError("OFD.xml: the root element is not OFD's OFD"));
  });

  it('resolves relative paths in Signatures.xml and Signature.xml against their own folders', () => {
    const relative = rezip(fixture('allprotected.ofd'), (files) => {
      files.set(
        'Doc_0/Signs/Signatures.xml',
        bytes(text(files.get('Doc_0/Signs/Signatures.xml')!).replace('/Doc_0/Signs/Sign_0/Signature.xml', 'Sign_0/Signature.xml')),
      );
      const signature = text(files.get('Doc_0/Signs/Sign_0/Signature.xml')!)
        .replace('<ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat', '<ofd:SignedValue>SignedValue.dat')
        .replace('<ofd:BaseLoc>/Doc_0/Signs/Sign_0/Seal.esl', '<ofd:BaseLoc>./Seal.esl')
        .replace('FileRef="/Doc_0/PublicRes.xml"', 'FileRef="../../PublicRes.xml"');
      files.set('Doc_0/Signs/Sign_0/Signature.xml', bytes(signature));
    });
    const [signature] = readOfd(relative).documents[0].signatures;
    expect(signature).toMatchObject({
      kind: 'signature',
      path: 'Doc_0/Signs/Sign_0/Signature.xml',
      signedValuePath: 'Doc_0/Signs/Sign_0/SignedValue.dat',
      sealPath: 'Doc_0/Signs/Sign_0/Seal.esl',
    });
    expect((signature as OfdSignature).references[2]).toMatchObject({ fileRef: '../../PublicRes.xml', path: 'Doc_0/PublicRes.xml' });
  });

  it('returns a listed signature whose files cannot be read as unreadable, and still reads the others', () => {
    const broken = rezip(fixture('allprotected.ofd'), (files) => {
      const list = text(files.get('Doc_0/Signs/Signatures.xml')!);
      files.set(
        'Doc_0/Signs/Signatures.xml',
        bytes(
          list.replace(
            '<ofd:MaxSignId>',
            '<ofd:Signature ID="009" BaseLoc="/Doc_0/Signs/Sign_9/Signature.xml"/><ofd:Signature ID="010" Type="Stamp" BaseLoc="/x.xml"/><ofd:MaxSignId>',
          ),
        ),
      );
    });
    const signatures = readOfd(broken).documents[0].signatures;
    expect(signatures.map((entry) => [entry.kind, entry.id, entry.position])).toEqual([
      ['signature', '001', 0],
      ['unreadable', '009', 1],
      ['unreadable', '010', 2],
    ]);
    expect(signatures[1]).toMatchObject({
      path: 'Doc_0/Signs/Sign_9/Signature.xml',
      reason: expect.stringContaining('is not in the package'),
    });
    expect(signatures[2]).toMatchObject({ reason: expect.stringContaining('neither Seal nor Sign') });
  });

  it('refuses a FileRef that climbs out of the package (the signature is unreadable)', () => {
    const escaping = rezip(fixture('allprotected.ofd'), (files) => {
      const signature = text(files.get('Doc_0/Signs/Sign_0/Signature.xml')!).replace('FileRef="/OFD.xml"', 'FileRef="../../../../OFD.xml"');
      files.set('Doc_0/Signs/Sign_0/Signature.xml', bytes(signature));
    });
    const [signature] = readOfd(escaping).documents[0].signatures;
    expect(signature).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('is not a path inside the package') });
  });
});
