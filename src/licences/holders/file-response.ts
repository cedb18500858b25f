import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { API_PARAM_ERRORS, ApiErrors } from '../../common/openapi.js';
import { LICENCE_ID_EXAMPLE } from '../issuance/licences.dto.js';
import { LicenceFileJsonDto } from './holders.dto.js';
import { contentDisposition, LICENCE_FILE_MEDIA_TYPES, type LicenceFile } from './licence-files.js';

/**
 * Sends a licence file: the OFD or PDF itself with a Content-Disposition naming the licence, or —
 * when the client asks for JSON and not for the file's type — the file base64 inside a JSON object.
 * Never cached: it carries personal data and its status banner changes.
 */
export async function sendLicenceFile(res: FastifyReply, file: LicenceFile, licenceId: string, accept: string | undefined): Promise<void> {
  void res.header('cache-control', 'no-store');
  void res.header('vary', 'Accept');
  if (wantsJson(accept, file.mediaType)) {
    const body: LicenceFileJsonDto = {
      id: licenceId,
      format: file.format,
      mediaType: file.mediaType,
      fileName: file.fileName,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      data: file.bytes.toString('base64'),
    };
    await res.type('application/json; charset=utf-8').send(body);
    return;
  }
  void res.header('content-disposition', contentDisposition(file));
  void res.header('x-content-type-options', 'nosniff');
  await res.type(file.mediaType).send(file.bytes);
}

function wantsJson(accept: string | undefined, mediaType: string): boolean {
  const types = (accept ?? '')
    .split(',')
    .map((part) => part.split(';')[0].trim().toLowerCase())
    .filter(Boolean);
  return types.includes('application/json') && !types.includes(mediaType);
}

/** The OpenAPI of a file route's answers: the OFD, the PDF, or the JSON form; the renderer's refusals. */
export function ApiLicenceFile() {
  return applyDecorators(
    ApiExtraModels(LicenceFileJsonDto),
    ApiResponse({
      status: 200,
      description:
        'the licence file: `application/ofd` (default, stamped: POST /api/v1/verify/document answers TOTAL_PASSED for it) or `application/pdf` (`format=pdf`), with `Content-Disposition: attachment; filename="licence-<id>.ofd"`; with `Accept: application/json`, the file base64 inside a JSON object',
      headers: {
        'Content-Disposition': {
          description: 'attachment, named after the licence (and in Chinese, filename*, after its type)',
          schema: { type: 'string' },
          example: `attachment; filename="licence-${LICENCE_ID_EXAMPLE}.ofd"`,
        },
      },
      content: {
        [LICENCE_FILE_MEDIA_TYPES.ofd]: {
          schema: { type: 'string', format: 'binary', description: 'the OFD package (GB/T 33190), stamped' },
        },
        [LICENCE_FILE_MEDIA_TYPES.pdf]: { schema: { type: 'string', format: 'binary', description: 'the PDF (fonts embedded)' } },
        'application/json': {
          schema: { $ref: getSchemaPath(LicenceFileJsonDto) },
          example: {
            id: LICENCE_ID_EXAMPLE,
            format: 'ofd',
            mediaType: 'application/ofd',
            fileName: `licence-${LICENCE_ID_EXAMPLE}.ofd`,
            size: 31842,
            sha256: '9f2c5e0d7a1b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5',
            data: 'UEsDBBQAAAAIA…',
          } satisfies LicenceFileJsonDto,
        },
      },
    }),
    ApiErrors({
      ...API_PARAM_ERRORS,
      409: [
        {
          error: 'issuing_authority_unnamed',
          message: 'the issuing authority demo-licence-authority has no name (client_name) to put on its seal',
        },
      ],
      422: [
        {
          error: 'font_lacks_characters',
          message: 'the licence font has no glyph for "𠀀" (U+20000) in 持证人: the PDF cannot print it (the OFD can)',
          details: { characters: ['𠀀'], fields: ['持证人'] },
        },
        {
          error: 'licence_file_unrenderable',
          message: `the licence ${LICENCE_ID_EXAMPLE} cannot be laid out on its file: the label … is too long to lay out`,
        },
      ],
      503: [{ error: 'seal_maker_unavailable', message: 'the seal-making key is not ready: try again later' }],
    }),
  );
}
