import { createHash } from 'node:crypto';
import { checkReferences, readOfd, stampOfd, type OfdFile, type OfdSignature } from '../../src/ofd/index.js';
import { bytes, fixture, rezip, text } from './fixtures.js';

function signaturesOf(ofd: OfdFile): OfdSignature[] {
  return ofd.documents.flatMap((document) => document.signatures).filter((entry): entry is OfdSignature => entry.kind === 'signature');
}

/**
 * One byte changed so that the file still reads: in XML, the `U` of `encoding="UTF-8"` made
 * lower case (an XML file that no longer parses would stop the whole package being read,
 * which is not what this is about); elsewhere a bit of the middle byte.
 */
function oneByteChanged(data: Uint8Array): Uint8Array {
  const changed = Uint8Array.from(data);
  const at = Buffer.from(data).indexOf('encoding="UTF-8"');
  if (at >= 0) changed[at + 'encoding="'.length] = 0x75;
  else changed[data.length >> 1] ^= 0x01;
  return changed;
}

const stampOptions = {
  page: 1,
  x: 120,
  y: 80,
  width: 40,
  height: 40,
  seal: fixture('UserV4.esl'),
  sign: () => Promise.resolve(Buffer.from('a later stamp')),
  provider: { name: 'tongban-test' },
};

describe("checking the fixtures' references", () => {
  it.each([
    ['v4signed.ofd', 13],
    ['signedFile.ofd', 13],
    ['allprotected.ofd', 6],
    ['SESV4SignDoc.ofd', 5],
    ['DigitalSign.ofd', 4],
  ])('%s: all %i references intact', (name, count) => {
    const ofd = readOfd(fixture(name));
    const [signature] = signaturesOf(ofd);
    const check = checkReferences(ofd, signature);
    expect(check.algorithm).toBe('sm3');
    expect(check.references.map((result) => result.status)).toEqual(Array<string>(count).fill('intact'));
    expect(check).toMatchObject({ intact: true, signaturesListChangedBy: [], uncovered: [] });
  });

  it.each(['v4signed.ofd', 'signedFile.ofd', 'allprotected.ofd', 'SESV4SignDoc.ofd', 'DigitalSign.ofd'])(
    '%s: one byte changed in any referenced file fails that reference and no other',
    (name) => {
      const original = readOfd(fixture(name));
      const [signature] = signaturesOf(original);
      for (const reference of signature.references) {
        const tampered = rezip(fixture(name), (files) => {
          files.set(reference.path, oneByteChanged(files.get(reference.path)!));
        });
        const ofd = readOfd(tampered);
        const check = checkReferences(ofd, signaturesOf(ofd)[0]);
        expect(check.intact).toBe(false);
        expect(check.references.filter((result) => result.status !== 'intact')).toEqual([
          { fileRef: reference.fileRef, path: reference.path, status: 'changed', actual: expect.any(String) },
        ]);
      }
    },
  );

  it('names the files a signature does not cover: one added after it, but not the files of a later signature', async () => {
    const added = readOfd(rezip(fixture('v4signed.ofd'), (files) => files.set('Doc_0/Res/added.png', bytes('not signed'))));
    expect(checkReferences(added, signaturesOf(added)[0])).toMatchObject({ intact: true, uncovered: ['Doc_0/Res/added.png'] });
    const stamped = readOfd(await stampOfd(fixture('v4signed.ofd'), stampOptions));
    expect(signaturesOf(stamped).map((signature) => checkReferences(stamped, signature).uncovered)).toEqual([[], []]);
  });

  it('calls a referenced file that was removed missing', () => {
    const ofd = readOfd(rezip(fixture('allprotected.ofd'), (files) => files.delete('Doc_0/PublicRes.xml')));
    const check = checkReferences(ofd, signaturesOf(ofd)[0]);
    expect(check.intact).toBe(false);
    expect(check.references.find((result) => result.path === 'Doc_0/PublicRes.xml')).toMatchObject({
      status: 'missing',
      actual: undefined,
    });
  });

  it('checks nothing under a CheckMethod it does not accept, or none (GB/T 33190 then means MD5)', () => {
    for (const replacement of [' CheckMethod="MD5"', '']) {
      const ofd = readOfd(
        rezip(fixture('allprotected.ofd'), (files) => {
          const path = 'Doc_0/Signs/Sign_0/Signature.xml';
          files.set(path, bytes(text(files.get(path)!).replace(' CheckMethod="SM3"', replacement)));
        }),
      );
      const check = checkReferences(ofd, signaturesOf(ofd)[0]);
      expect(check).toMatchObject({ algorithm: undefined, intact: false });
      expect(new Set(check.references.map((result) => result.status))).toEqual(new Set(['unchecked']));
    }
  });

  it('checks SHA-256 when the signature says so', () => {
    const ofd = readOfd(
      rezip(fixture('helloworld.ofd'), (files) => {
        files.set(
          'OFD.xml',
          bytes(
            text(files.get('OFD.xml')!).replace(
              '</ofd:DocRoot>',
              '</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>',
            ),
          ),
        );
        files.set(
          'Doc_0/Signs/Signatures.xml',
          bytes(
            '<ofd:Signatures xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Signature ID="1" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>',
          ),
        );
        const sha256 = (path: string) => createHash('sha256').update(files.get(path)!).digest('base64');
        files.set(
          'Doc_0/Signs/Sign_0/Signature.xml',
          bytes(
            '<ofd:Signature xmlns:ofd="http://www.ofdspec.org/2016"><ofd:SignedInfo><ofd:Provider ProviderName="t"/>' +
              '<ofd:References CheckMethod="SHA-256">' +
              `<ofd:Reference FileRef="/Doc_0/Document.xml"><ofd:CheckValue>${sha256('Doc_0/Document.xml')}</ofd:CheckValue></ofd:Reference>` +
              `<ofd:Reference FileRef="/Doc_0/PublicRes.xml"><ofd:CheckValue>not base64!</ofd:CheckValue></ofd:Reference>` +
              '</ofd:References></ofd:SignedInfo><ofd:SignedValue>SignedValue.dat</ofd:SignedValue></ofd:Signature>',
          ),
        );
        files.set('Doc_0/Signs/Sign_0/SignedValue.dat', bytes('x'));
      }),
    );
    const check = checkReferences(ofd, signaturesOf(ofd)[0]);
    expect(check.algorithm).toBe('sha256');
    expect(check.references.map((result) => result.status)).toEqual(['intact', 'malformed']);
  });
});

describe('a signature whose only changed reference is Signatures.xml', () => {
  // allprotected.ofd protects Signatures.xml (ofdrw's "whole protected" mode), so any later stamp changes it.
  it('is intact when the list now has signatures added after it', async () => {
    const stamped = await stampOfd(fixture('allprotected.ofd'), stampOptions);
    const ofd = readOfd(stamped);
    const [first, second] = signaturesOf(ofd);
    const check = checkReferences(ofd, first);
    expect(check.references.filter((result) => result.status !== 'intact')).toEqual([
      { fileRef: '/Doc_0/Signs/Signatures.xml', path: 'Doc_0/Signs/Signatures.xml', status: 'changed', actual: expect.any(String) },
    ]);
    expect(check).toMatchObject({ intact: true, signaturesListChangedBy: [second.id] });
    expect(checkReferences(ofd, second)).toMatchObject({ intact: true, signaturesListChangedBy: [] });
  });

  it('is not intact when nothing was added after it', () => {
    const ofd = readOfd(
      rezip(fixture('allprotected.ofd'), (files) => {
        const path = 'Doc_0/Signs/Signatures.xml';
        files.set(path, bytes(text(files.get(path)!).replace('<ofd:MaxSignId>002', '<ofd:MaxSignId>009')));
      }),
    );
    expect(checkReferences(ofd, signaturesOf(ofd)[0])).toMatchObject({ intact: false, signaturesListChangedBy: [] });
  });

  it('is not intact when another file changed too', async () => {
    const stamped = await stampOfd(fixture('allprotected.ofd'), stampOptions);
    const ofd = readOfd(
      rezip(stamped, (files) => {
        files.set('Doc_0/PublicRes.xml', bytes(text(files.get('Doc_0/PublicRes.xml')!).replace('</ofd:Res>', ' </ofd:Res>')));
      }),
    );
    const check = checkReferences(ofd, signaturesOf(ofd)[0]);
    expect(check.references.filter((result) => result.status !== 'intact').map((result) => result.path)).toEqual([
      'Doc_0/PublicRes.xml',
      'Doc_0/Signs/Signatures.xml',
    ]);
    expect(check).toMatchObject({ intact: false, signaturesListChangedBy: [] });
  });
});
