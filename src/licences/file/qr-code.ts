import QRCode from 'qrcode';

/** A rectangle of dark modules, in modules from the symbol's top-left corner (quiet zone excluded). */
export interface ModuleRect {
  readonly column: number;
  readonly row: number;
  readonly width: number;
  readonly height: number;
}

export interface QrSymbol {
  /** Modules per side (21 for version 1, 4 more per version). */
  readonly size: number;
  /** The dark modules as few rectangles: runs along each row, joined with the same run in the rows below. */
  readonly rects: readonly ModuleRect[];
}

/** The quiet zone ISO/IEC 18004 asks for around a symbol, in modules: the layout keeps it clear. */
export const QR_QUIET_ZONE = 4;

/**
 * The QR code of a licence's check URL (ISO/IEC 18004, error correction M: a printed file survives
 * a crease or a stain on 15% of it), as rectangles to draw as vector paths: crisp at any size in the
 * OFD and the PDF, and nothing to decode for a reader.
 */
export function qrSymbol(text: string): QrSymbol {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const dark = (row: number, column: number) => Boolean(modules.get(row, column));
  const rects: Array<{ column: number; row: number; width: number; height: number }> = [];
  /** The rectangles still growing downwards, by "column:width". */
  let open = new Map<string, { column: number; row: number; width: number; height: number }>();
  for (let row = 0; row < size; row++) {
    const next = new Map<string, { column: number; row: number; width: number; height: number }>();
    for (let column = 0; column < size;) {
      if (!dark(row, column)) {
        column++;
        continue;
      }
      const start = column;
      while (column < size && dark(row, column)) column++;
      const key = `${start}:${column - start}`;
      const above = open.get(key);
      if (above) {
        above.height++;
        next.set(key, above);
      } else {
        const rect = { column: start, row, width: column - start, height: 1 };
        rects.push(rect);
        next.set(key, rect);
      }
    }
    open = next;
  }
  return { size, rects };
}
