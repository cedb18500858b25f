/** The package, or an XML file in it, is not a readable OFD: the one error reading ever throws. */
export class OfdFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfdFormatError';
  }
}

/** A stamp cannot be made as asked (a page the document lacks, a box off the page, an empty signature). */
export class OfdStampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfdStampError';
  }
}
