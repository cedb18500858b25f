import { renderAsync } from '@resvg/resvg-js';
import { SEAL_TYPES, type SealType } from '../seal-types.js';
import { oneColourPng } from './png.js';
import { charactersMissingFromFont, SEAL_FONT_FAMILY, sealFontPath } from './seal-font.js';

/** Seal red (the ink of a stamp pad). */
export const SEAL_INK: readonly [number, number, number] = [0xe6, 0x00, 0x12];
const INK = '#e60012';
/** 16 pixels per millimetre, about 406 dpi: a 42 mm seal is 672 × 672 pixels. */
export const PIXELS_PER_MM = 16;

export interface SealDrawing {
  type: SealType;
  /** The enterprise's registered name, along the upper arc. */
  name: string;
  /** Printed along the lower arc of a round seal (as the seal's code is on a real one). */
  esID: string;
  /** Printed across an invoice seal (its taxpayer number). */
  uscc: string;
  /**
   * The words under the star of a round seal, instead of its type's (none for 公章): an issuing
   * authority's licence seal (SealsService.makeAuthoritySeal) is a type-1 seal that reads 电子证照专用章.
   */
  purpose?: string;
}

export interface DrawnPicture {
  png: Buffer;
  widthMm: number;
  heightMm: number;
  widthPx: number;
  heightPx: number;
}

/** A name the seal cannot be drawn with: characters outside the font, or too many to fit the ring. */
export class NameNotDrawable extends Error {
  override readonly name = 'NameNotDrawable';

  constructor(
    readonly reason: 'font_lacks_characters' | 'name_too_long_to_draw',
    message: string,
    readonly characters: string[] = [],
  ) {
    super(message);
  }
}

/** Throws NameNotDrawable when the seal's texts cannot be drawn (checked before anything is made). */
export function checkDrawable(drawing: SealDrawing): void {
  const missing = charactersMissingFromFont(drawing.name + (drawing.purpose ?? ''));
  if (missing.length)
    throw new NameNotDrawable(
      'font_lacks_characters',
      `the seal font has no glyph for ${missing.map((c) => `"${c}" (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ')}: send the seal's picture (PNG) instead`,
      missing,
    );
  nameLayout(drawing);
}

/**
 * Draws the usual red seal of a Chinese enterprise, transparent outside the ink: a round seal
 * (公章, 合同专用章: 42 mm, a 1.2 mm ring, the name along the upper arc in tall narrow Song
 * characters spaced to its length, a five-pointed star of a third of the diameter, the purpose
 * under the star, the seal's code along the lower arc), or an oval invoice seal (发票专用章: 40 × 30
 * mm, the name along the upper arc, the taxpayer number across the middle, the purpose below).
 * SVG rendered by resvg with the seal font only, then written as a one-colour PNG.
 */
export async function drawSeal(drawing: SealDrawing): Promise<DrawnPicture> {
  checkDrawable(drawing);
  const { widthMm, heightMm } = SEAL_TYPES[drawing.type];
  const rendered = await renderAsync(sealSvg(drawing), {
    font: { loadSystemFonts: false, fontFiles: [sealFontPath()], defaultFontFamily: SEAL_FONT_FAMILY },
    fitTo: { mode: 'width', value: widthMm * PIXELS_PER_MM },
    shapeRendering: 2,
    textRendering: 2,
    logLevel: 'off',
  });
  const { width, height, pixels } = rendered;
  const alpha = new Uint8Array(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = pixels[i * 4 + 3];
  return {
    png: oneColourPng(alpha, width, height, SEAL_INK, PIXELS_PER_MM * 1000),
    widthMm,
    heightMm,
    widthPx: width,
    heightPx: height,
  };
}

// ---- geometry (millimetres; y grows downwards as in SVG) ----

const round3 = (x: number) => Number(x.toFixed(3));
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Noto's CJK em box runs from 0.88 em above the baseline to 0.12 below: its centre is 0.38 em up. */
const EM_CENTRE = 0.38;

interface Ring {
  cx: number;
  cy: number;
  /** Semi-axes of the ring's centre line. */
  rx: number;
  ry: number;
  stroke: number;
}

/**
 * An ellipse (or circle) as a table of arc lengths, to place characters at equal distances along
 * it. The parameter t is 0 at the top and grows clockwise: (cx + a·sin t, cy − b·cos t).
 */
class Arc {
  private readonly t: Float64Array;
  private readonly length: Float64Array;
  readonly perimeter: number;

  constructor(
    readonly a: number,
    readonly b: number,
    samples = 1440,
  ) {
    this.t = new Float64Array(samples + 1);
    this.length = new Float64Array(samples + 1);
    let previous: [number, number] | undefined;
    let total = 0;
    for (let i = 0; i <= samples; i++) {
      const t = -Math.PI + (2 * Math.PI * i) / samples;
      const point: [number, number] = [a * Math.sin(t), -b * Math.cos(t)];
      if (previous) total += Math.hypot(point[0] - previous[0], point[1] - previous[1]);
      this.t[i] = t;
      this.length[i] = total;
      previous = point;
    }
    this.perimeter = total;
  }

  /** The parameter at a signed distance along the curve from the top (positive: clockwise). */
  at(distance: number): number {
    const target = this.perimeter / 2 + distance;
    let lo = 0;
    let hi = this.length.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.length[mid] < target) lo = mid;
      else hi = mid;
    }
    const span = this.length[hi] - this.length[lo] || 1;
    return this.t[lo] + ((target - this.length[lo]) / span) * (this.t[hi] - this.t[lo]);
  }

  /** The angle (degrees, clockwise from upright) that turns a glyph's top outwards at t. */
  uprightAt(t: number): number {
    return (Math.atan2(Math.sin(t) / this.a, Math.cos(t) / this.b) * 180) / Math.PI;
  }
}

interface NameLayout {
  fontSize: number;
  /** Horizontal scale of each glyph (seal characters are tall and narrow). */
  scaleX: number;
  /** Distance along the text arc between the first and the last character's centres. */
  span: number;
  arc: Arc;
}

function ringOf(drawing: SealDrawing): Ring {
  const { widthMm, heightMm } = SEAL_TYPES[drawing.type];
  const stroke = widthMm >= 40 && SEAL_TYPES[drawing.type].shape === 'round' ? 1.2 : 1.0;
  return { cx: widthMm / 2, cy: heightMm / 2, rx: widthMm / 2 - stroke / 2 - 0.2, ry: heightMm / 2 - stroke / 2 - 0.2, stroke };
}

/**
 * Font size, narrowing and spacing of the name along the upper arc: the seal's usual size (6.5 mm
 * characters on a 42 mm seal, 4.2 mm on an invoice seal) with the characters a little apart; a
 * short name spread over a wider arc, a long one closed up to at most 70% of the ring (50% of an
 * oval, whose middle holds the taxpayer number), narrowed to 0.55 of their width and then made
 * smaller, down to 3 mm.
 */
function nameLayout(drawing: SealDrawing): NameLayout {
  const ring = ringOf(drawing);
  const round = SEAL_TYPES[drawing.type].shape === 'round';
  const count = [...drawing.name].length;
  const narrowest = 0.55;
  let fontSize = round ? 6.5 : 4.2;
  for (; fontSize >= 3; fontSize *= 0.95) {
    const inset = ring.stroke / 2 + 0.6 + fontSize / 2;
    const arc = new Arc(ring.rx - inset, ring.ry - inset);
    const maxSpan = arc.perimeter * (round ? 0.7 : 0.5);
    let scaleX = round ? 0.78 : 0.68;
    if (count === 1) return { fontSize, scaleX, span: 0, arc };
    let span = (count - 1) * fontSize * scaleX * (round ? 1.18 : 1.1);
    // A short name is spread out (but not so far that its characters drift apart).
    span = Math.max(span, Math.min(arc.perimeter * (round ? 0.38 : 0.32), (count - 1) * fontSize * 1.5));
    if (span > maxSpan) {
      span = maxSpan;
      scaleX = Math.min(scaleX, span / (count - 1) / (fontSize * 1.06));
    }
    if (scaleX >= narrowest) return { fontSize, scaleX, span, arc };
  }
  throw new NameNotDrawable(
    'name_too_long_to_draw',
    `a name of ${count} characters does not fit around a ${SEAL_TYPES[drawing.type].widthMm} mm seal: send the seal's picture (PNG) instead`,
  );
}

/** Characters along an arc, each turned to face outwards (or, at the bottom, to read left to right from inside). */
function textAlongArc(chars: string[], ring: Ring, arc: Arc, fontSize: number, scaleX: number, span: number, bottom = false): string {
  return chars
    .map((char, i) => {
      const distance = chars.length === 1 ? 0 : -span / 2 + (span * i) / (chars.length - 1);
      // Along the bottom the text runs from the left (t past π) to the right.
      const t = bottom ? Math.PI - arc.at(distance) : arc.at(distance);
      const x = ring.cx + arc.a * Math.sin(t);
      const y = ring.cy - arc.b * Math.cos(t);
      const angle = arc.uprightAt(t) + (bottom ? 180 : 0);
      return (
        `<text transform="translate(${round3(x)} ${round3(y)}) rotate(${round3(angle)}) scale(${round3(scaleX)} 1)" ` +
        `y="${round3(EM_CENTRE * fontSize)}" font-size="${round3(fontSize)}">${escape(char)}</text>`
      );
    })
    .join('');
}

function star(cx: number, cy: number, radius: number): string {
  const points = Array.from({ length: 10 }, (_, i) => {
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    const r = i % 2 ? radius * 0.382 : radius; // the inner points of a regular five-pointed star
    return `${round3(cx + r * Math.cos(angle))},${round3(cy + r * Math.sin(angle))}`;
  });
  return `<polygon points="${points.join(' ')}"/>`;
}

/** A line of text centred at (cx, cy), narrowed by scaleX. */
function centredText(text: string, cx: number, cy: number, fontSize: number, scaleX: number): string {
  return (
    `<text transform="translate(${round3(cx)} ${round3(cy)}) scale(${round3(scaleX)} 1)" ` +
    `y="${round3(EM_CENTRE * fontSize)}" font-size="${round3(fontSize)}">${escape(text)}</text>`
  );
}

/** The seal as SVG in millimetres (the PNG's size is set when it is rendered). */
export function sealSvg(drawing: SealDrawing): string {
  const type = SEAL_TYPES[drawing.type];
  const ring = ringOf(drawing);
  const layout = nameLayout(drawing);
  const parts = [
    `<ellipse cx="${round3(ring.cx)}" cy="${round3(ring.cy)}" rx="${round3(ring.rx)}" ry="${round3(ring.ry)}" fill="none" stroke="${INK}" stroke-width="${ring.stroke}"/>`,
    // A thin outline of the same ink gives the characters the weight of an engraved seal.
    `<g stroke="${INK}" stroke-width="0.12" stroke-linejoin="round">`,
    textAlongArc([...drawing.name], ring, layout.arc, layout.fontSize, layout.scaleX, layout.span),
    '</g>',
  ];
  if (type.shape === 'round') {
    const r = type.widthMm / 6; // a star 14 mm across on a 42 mm seal
    parts.push(star(ring.cx, ring.cy, r));
    const purpose = drawing.purpose ?? type.purpose;
    if (purpose) parts.push(centredText(purpose, ring.cx, ring.cy + type.widthMm * 0.245, type.widthMm * 0.105, 0.82));
    const codeSize = type.widthMm * 0.05;
    const inset = ring.stroke / 2 + 0.5 + codeSize / 2;
    const codeArc = new Arc(ring.rx - inset, ring.ry - inset);
    parts.push(textAlongArc([...drawing.esID], ring, codeArc, codeSize, 0.9, (drawing.esID.length - 1) * codeSize * 0.6, true));
  } else {
    // The taxpayer number across the middle, at most 22 mm wide (Noto's Latin letters and digits
    // average 0.65 em).
    const size = 3.2;
    parts.push(centredText(drawing.uscc, ring.cx, ring.cy + 0.8, size, Math.min(0.8, 22 / (0.65 * size * drawing.uscc.length))));
    if (type.purpose) parts.push(centredText(type.purpose, ring.cx, ring.cy + type.heightMm * 0.255, type.heightMm * 0.15, 0.82));
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${type.widthMm}mm" height="${type.heightMm}mm" viewBox="0 0 ${type.widthMm} ${type.heightMm}" ` +
    `font-family="${SEAL_FONT_FAMILY}" font-weight="700" text-anchor="middle" fill="${INK}">${parts.join('')}</svg>`
  );
}
