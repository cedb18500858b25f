import type { Element, Node } from '@xmldom/xmldom';
import { OfdFormatError } from '../errors.js';

/** GB/T 33190's namespace; what tongban writes. */
export const OFD_NAMESPACE = 'http://www.ofdspec.org/2016';

/**
 * Namespaces whose elements are OFD's. Elements are matched by namespace and local name, never
 * by prefix. Some producers write the namespace without its year (the fixture
 * namespace_no_std.ofd does; ofdrw reads any namespace starting with http://www.ofdspec.org).
 */
const OFD_NAMESPACES: ReadonlySet<string> = new Set([OFD_NAMESPACE, 'http://www.ofdspec.org']);

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

export function isOfdElement(node: Node, localName: string): node is Element {
  return (
    node.nodeType === ELEMENT_NODE && (node as Element).localName === localName && OFD_NAMESPACES.has((node as Element).namespaceURI ?? '')
  );
}

export function ofdChildren(parent: Element, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (isOfdElement(node, localName)) found.push(node);
  }
  return found;
}

/** The child named so, if there is one; two are an error (`path` names the file in the message). */
export function ofdChild(parent: Element, localName: string, path: string): Element | undefined {
  const found = ofdChildren(parent, localName);
  if (found.length > 1) throw new OfdFormatError(`${path}: ${parent.localName} has ${found.length} ${localName} elements`);
  return found[0];
}

export function requiredOfdChild(parent: Element, localName: string, path: string): Element {
  const child = ofdChild(parent, localName, path);
  if (child === undefined) throw new OfdFormatError(`${path}: ${parent.localName} has no ${localName}`);
  return child;
}

/** The element's own text (its text and CDATA children, not its descendants'), trimmed. */
export function textOf(element: Element): string {
  let text = '';
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) text += node.nodeValue ?? '';
  }
  return text.trim();
}

export function requiredText(element: Element, path: string): string {
  const text = textOf(element);
  if (text === '') throw new OfdFormatError(`${path}: ${element.localName} is empty`);
  return text;
}

/** An unprefixed attribute's value, trimmed; undefined when absent. */
export function attributeOf(element: Element, name: string): string | undefined {
  return element.hasAttribute(name) ? (element.getAttribute(name) ?? '').trim() : undefined;
}

export function requiredAttribute(element: Element, name: string, path: string): string {
  const value = attributeOf(element, name);
  if (value === undefined || value === '') throw new OfdFormatError(`${path}: ${element.localName} has no ${name}`);
  return value;
}
