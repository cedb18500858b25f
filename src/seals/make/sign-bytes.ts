/**
 * Signs the bytes given and answers the DER signature (SEQUENCE { r, s }) by the algorithm the
 * structure names: how the KeyStore or a wallet signs for the seal code without handing it a key.
 */
export type SignBytes = (bytes: Buffer) => Promise<Buffer>;
