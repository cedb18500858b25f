import { XMLSerializer, type Document, type Element } from '@xmldom/xmldom';

/** The document a parsed element belongs to (every element xmldom parses has one). */
export function documentOf(element: Element): Document {
  const document = element.ownerDocument;
  if (document === null) throw new TypeError('the element belongs to no document');
  return document;
}

/**
 * The whole file an element belongs to, as UTF-8. A file read in another encoding (the GB
 * family) has its declaration changed to say UTF-8, since that is what is written.
 */
export function serializeXml(element: Element): Buffer {
  const text = new XMLSerializer().serializeToString(documentOf(element));
  return Buffer.from(text.replace(/^(<\?xml[^>]*?encoding[ \t\r\n]*=[ \t\r\n]*)(["'])[A-Za-z0-9._-]+\2/, '$1$2UTF-8$2'), 'utf8');
}
