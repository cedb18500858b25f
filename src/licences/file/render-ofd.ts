import { createOfd } from '../../ofd/index.js';
import { layOutLicence, type LicenceStampArea } from './licence-layout.js';
import type { LicenceView } from './licence-view.js';

export interface RenderedLicenceOfd {
  /** The OFD package (GB/T 33190), not yet stamped. */
  readonly ofd: Buffer;
  /** Where the issuing authority's seal goes: stampLicenceOfd stamps there. */
  readonly stampArea: LicenceStampArea;
}

export interface RenderLicenceOptions {
  /** DocInfo's CreationDate and the zip entries' time; default now. */
  readonly createdAt?: Date;
  /** DocInfo's DocID; default random. */
  readonly docId?: string;
}

/**
 * The licence file (GB/T 36905) as an A4 OFD in Chinese: the type's Chinese name as the title, a
 * bordered table of the holder, the claims with their labels and the validity, the licence number,
 * the issuer and the date, a QR code of the check URL drawn as vector paths, and room for the
 * issuing authority's seal over the issuer's name (`stampArea`). Fonts by name (宋体, the title in
 * bold), every glyph's advance written out, as every OFD tongban writes. Throws RangeError for a
 * view it cannot lay out.
 */
export function renderLicenceOfd(view: LicenceView, options: RenderLicenceOptions = {}): RenderedLicenceOfd {
  const layout = layOutLicence(view);
  const ofd = createOfd({
    pages: layout.pages,
    title: layout.title,
    author: view.issuer.name,
    subject: `${view.type.name.zh}（${view.type.name.en}）电子证照文件`,
    createdAt: options.createdAt,
    docId: options.docId,
  });
  return { ofd, stampArea: layout.stampArea };
}
