/** A rectangle in millimetres (ST_Box): the top-left corner and the size. */
export interface OfdBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Four numbers separated by white space, the last two (the size) above zero; undefined otherwise. */
export function parseBox(text: string): OfdBox | undefined {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 4 || !parts.every((part) => NUMBER.test(part))) return undefined;
  const [x, y, width, height] = parts.map(Number) as [number, number, number, number];
  if (![x, y, width, height].every(Number.isFinite) || width <= 0 || height <= 0) return undefined;
  return { x, y, width, height };
}

export function formatBox(box: OfdBox): string {
  return [box.x, box.y, box.width, box.height].map(formatMillimetres).join(' ');
}

/** At most three decimals (a micrometre), no exponent, no trailing zeros. */
export function formatMillimetres(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  return (Object.is(rounded, -0) ? 0 : rounded).toFixed(3).replace(/\.?0+$/, '');
}
