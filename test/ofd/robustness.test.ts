import { deflateSync } from 'fflate';
import { checkReferences, OfdFormatError, OfdStampError, readOfd, readPageBox, stampOfd } from '../../src/ofd/index.js';
import { ALL_OFD, bytes, fixture, rezip, seeded, text, unzipFiles } from './fixtures.js';
import { craftZip } from './zip-crafting.js';

/** Reads a package and everything in it that reading on demand can reach; only OfdFormatError may come out. */
function readAll(ofd: Uint8Array): 'read' | 'refused' {
  try {
    const read = readOfd(ofd);
    for (const document of read.documents) {
      for (const page of document.pages) readPageBox(read, document, page);
      for (const signature of document.signatures) if (signature.kind === 'signature') checkReferences(read, signature);
    }
    return 'read';
  } catch (error) {
    if (error instanceof OfdFormatError) return 'refused';
    throw error;
  }
}

function refusal(ofd: Uint8Array): string {
  try {
    readOfd(ofd);
  } catch (error) {
    if (error instanceof OfdFormatError) return error.message;
    throw error;
  }
  throw new Error('the package was read');
}

/** A zip with OFD.xml in it as deflated data, its headers declaring `declared` bytes. */
function deflatedZip(deflated: Uint8Array, declared: number): Buffer {
  return craftZip([{ name: 'OFD.xml', data: deflated, method: 8, size: declared, crc: 0 }]);
}

describe('malformed packages give OfdFormatError or a clean read, never another exception', () => {
  it.each(ALL_OFD)('truncations of %s, from the end and from the start', (name) => {
    const whole = fixture(name);
    expect(readAll(whole)).toBe('read');
    // Every length for the small packages; for the big ones every 7th, and every one of the last 2 KiB (the central directory).
    const every = whole.length < 5000 ? 1 : 7;
    for (let length = 0; length < whole.length; length++) {
      if (length % every !== 0 && length < whole.length - 2048) continue;
      expect(readAll(whole.subarray(0, length))).toBe('refused');
      expect(readAll(whole.subarray(whole.length - length))).toBe('refused');
    }
  });

  it('3,000 seeded random byte changes in the packages (half of them in the headers at the end)', () => {
    const random = seeded(0x0fd);
    const outcomes = { read: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) {
      const damaged = Uint8Array.from(fixture(ALL_OFD[i % ALL_OFD.length]));
      const from = i % 2 === 0 ? 0 : Math.max(0, damaged.length - 1500);
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        damaged[from + Math.floor(random() * (damaged.length - from))] ^= 1 + Math.floor(random() * 255);
      }
      outcomes[readAll(damaged)]++;
    }
    expect(outcomes.read + outcomes.refused).toBe(3000);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it('1,000 seeded random changes inside the XML files, zipped again with the right CRCs', async () => {
    const random = seeded(33190);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const outcomes = { read: 0, refused: 0 };
    for (let i = 0; i < 1000; i++) {
      const source = fixture(ALL_OFD[i % ALL_OFD.length]);
      const damaged = rezip(
        source,
        (files) => {
          const path = pick([...files.keys()].filter((name) => name.endsWith('.xml')));
          const xml = text(files.get(path)!);
          const at = Math.floor(random() * xml.length);
          const edits = [
            () => xml.slice(0, at) + xml.slice(at + 1 + Math.floor(random() * 20)),
            () =>
              xml.slice(0, at) +
              pick(['<', '>', '&', '"', "'", '/', '=', ' ', '0', '-1', 'x', '../', '<!DOCTYPE a>', '&amp;', '\u0000']) +
              xml.slice(at),
            () => xml.slice(0, at) + xml.slice(at, at + 40) + xml.slice(at),
            () =>
              xml.replace(
                pick(['ID="', 'BaseLoc="', 'PageRef="', 'Boundary="', 'FileRef="', '>/', '>Doc_0', 'CheckMethod="']),
                pick(['', 'X="', '>', ' ID="']),
              ),
          ];
          files.set(path, bytes(pick(edits)()));
        },
        0,
      );
      const outcome = readAll(damaged);
      outcomes[outcome]++;
      if (outcome === 'read' && i % 5 === 0) {
        await stampOfd(damaged, {
          page: 1,
          x: 1,
          y: 1,
          width: 10,
          height: 10,
          seal: bytes('seal'),
          sign: () => Promise.resolve(bytes('sig')),
          provider: { name: 't' },
        }).catch((error: unknown) => {
          if (!(error instanceof OfdFormatError || error instanceof OfdStampError)) throw error;
        });
      }
    }
    expect(outcomes.read).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});

describe('zip bombs and other hostile archives are refused quickly', () => {
  // 32 MiB of zeros deflate to about 32 KiB.
  const size = 32 * 1024 * 1024;
  let deflatedZeros: Uint8Array;
  beforeAll(() => {
    deflatedZeros = deflateSync(new Uint8Array(size));
  });

  it('an entry that inflates over a hundred times its compressed size, past 1 MiB, before inflating it', () => {
    const bomb = deflatedZip(deflatedZeros, size);
    expect(bomb.length).toBeLessThan(100_000);
    const started = performance.now();
    expect(refusal(bomb)).toBe('entry "OFD.xml" compresses more than 100:1, as a zip bomb does');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('an entry that lies about its size, as soon as it inflates past what it declares', () => {
    const liar = deflatedZip(deflatedZeros, 1000);
    const started = performance.now();
    expect(refusal(liar)).toBe('entry "OFD.xml" inflates to more than the 1000 bytes it declares');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('more entries, or more bytes in all, than the limits allow', () => {
    const helloworld = Buffer.from(fixture('helloworld.ofd'));
    helloworld.writeUInt16LE(20_000, helloworld.length - 14);
    helloworld.writeUInt16LE(20_000, helloworld.length - 12);
    expect(refusal(helloworld)).toBe('the package has 20000 entries, more than the 10000 allowed');
    expect(() => readOfd(fixture('VPage7.ofd'), { limits: { maxEntries: 10 } })).toThrow(
      'the package has 14 entries, more than the 10 allowed',
    );
    expect(() => readOfd(fixture('v4signed.ofd'), { limits: { maxTotalSize: 30_000 } })).toThrow(
      'the package inflates to more than the 30000 bytes allowed',
    );
  });

  it('entries that share their bytes (an overlapping zip bomb)', () => {
    // Entry "a" stores, as its data, a local header and data for "b", and the central record of "b" points there.
    const quoted = craftZip([{ name: 'b', data: bytes('payload') }]).subarray(0, 30 + 1 + 7);
    const overlapping = craftZip(
      [
        { name: 'a', data: quoted },
        { name: 'b', data: bytes('payload') },
      ],
      [0, 30 + 1],
    );
    expect(refusal(overlapping)).toBe('two zip entries share their data');
  });

  it.each([
    ['../OFD.xml', 'entry "../OFD.xml" has an empty, "." or ".." path segment'],
    ['Doc_0/../../x', 'entry "Doc_0/../../x" has an empty, "." or ".." path segment'],
    ['/OFD.xml', 'entry "/OFD.xml" has an absolute path'],
    ['C:/OFD.xml', 'entry "C:/OFD.xml" has an absolute path'],
    ['Doc_0\\OFD.xml', 'entry "Doc_0\\OFD.xml" has a backslash or a control character in its name'],
    ['Doc_0//OFD.xml', 'entry "Doc_0//OFD.xml" has an empty, "." or ".." path segment'],
    ['./OFD.xml', 'entry "./OFD.xml" has an empty, "." or ".." path segment'],
  ])('an entry named %s', (name, message) => {
    expect(refusal(craftZip([{ name, data: bytes('x') }]))).toBe(message);
  });

  it('two entries with one name, also when only the case differs, and a name that is a file and a folder', () => {
    expect(refusal(craftZip(['OFD.xml', 'OFD.xml'].map((name) => ({ name, data: bytes('x') }))))).toBe(
      'the package has entry "OFD.xml" twice (names compared ignoring case)',
    );
    expect(refusal(craftZip(['OFD.xml', 'ofd.XML'].map((name) => ({ name, data: bytes('x') }))))).toMatch(/twice/);
    expect(refusal(craftZip(['Doc_0', 'Doc_0/Document.xml'].map((name) => ({ name, data: bytes('x') }))))).toBe(
      '"doc_0" is both a file and a folder in the package',
    );
  });

  it('encryption, other compression methods, ZIP64, a bad CRC, bytes before or after the archive', () => {
    expect(refusal(craftZip([{ name: 'OFD.xml', data: bytes('x'), flags: 1 }]))).toBe('entry "OFD.xml" is encrypted');
    expect(refusal(craftZip([{ name: 'OFD.xml', data: bytes('x'), method: 12 }]))).toBe(
      'entry "OFD.xml" uses compression method 12 (only stored and deflated are read)',
    );
    expect(refusal(craftZip([{ name: 'OFD.xml', data: bytes('x'), size: 0xffffffff }]))).toBe('ZIP64 archives are not read');
    expect(refusal(craftZip([{ name: 'OFD.xml', data: bytes('x'), crc: 1 }]))).toBe('entry "OFD.xml" fails its CRC check');
    const helloworld = fixture('helloworld.ofd');
    expect(refusal(Buffer.concat([Buffer.from('MZ'), helloworld]))).toBe('the zip central directory does not end where the end record is');
    expect(refusal(Buffer.concat([helloworld, Buffer.from('trailing')]))).toBe('not a zip archive (no end-of-central-directory record)');
  });
});

describe('XML is read without DTDs', () => {
  const withOfdXml = (ofdXml: string) => rezip(fixture('helloworld.ofd'), (files) => files.set('OFD.xml', bytes(ofdXml)));
  const original = text(unzipFiles(fixture('helloworld.ofd')).get('OFD.xml')!);

  it('refuses entity expansion (a billion laughs) at once', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE ofd:OFD [<!ENTITY a "haha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">' +
      '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>' +
      original.replace(/^<\?xml[^>]*>/, '').replace('OFD R&amp;W', '&f;&f;&f;&f;&f;&f;&f;&f;&f;');
    const started = performance.now();
    expect(refusal(withOfdXml(laughs))).toMatch(/^OFD.xml /);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('refuses external entities and any DOCTYPE', () => {
    const external = original
      .replace(/^(<\?xml[^>]*>)/, '$1<!DOCTYPE ofd:OFD [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
      .replace('OFD R&amp;W', '&x;');
    expect(refusal(withOfdXml(external))).toMatch(/^OFD.xml is not well-formed XML|^OFD.xml has a DOCTYPE/);
    const doctype = original.replace(/^(<\?xml[^>]*>)/, '$1<!DOCTYPE ofd:OFD SYSTEM "http://example.com/ofd.dtd">');
    expect(refusal(withOfdXml(doctype))).toBe('OFD.xml has a DOCTYPE (refused: no DTDs, no entities)');
  });

  it('reads UTF-8 with a BOM and GB18030-declared files, and refuses other encodings', () => {
    expect(readAll(withOfdXml('\uFEFF' + original))).toBe('read');
    // 中文 in GB18030 is D6 D0 CE C4; the rest of the file is ASCII.
    const [before, after] = original.replace('encoding="UTF-8"', 'encoding="GB18030"').split('OFD R&amp;W') as [string, string];
    const gb = Buffer.concat([Buffer.from(before), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from(after)]);
    expect(readAll(rezip(fixture('helloworld.ofd'), (files) => files.set('OFD.xml', gb)))).toBe('read');
    expect(refusal(withOfdXml(original.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')))).toBe(
      'OFD.xml is in an encoding that is not read (iso-8859-1)',
    );
    expect(refusal(withOfdXml(original.replace('OFD R&amp;W', 'OFD R&W')))).toMatch(/^OFD.xml is not well-formed XML/);
  });
});
