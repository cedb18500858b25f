import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { HttpRequest } from '../common/http.js';
import { ApiError } from '../common/api-error.js';
import { pageScript } from '../pages/scripts/index.js';

/** The pages' own scripts (src/pages/scripts), cached for a year: their URLs carry a content hash. */
@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  @Get(':file')
  script(@Param('file') file: string, @Req() req: HttpRequest, @Res() res: FastifyReply): void {
    const script = /^[a-z0-9-]{1,40}\.js$/.test(file) ? pageScript(file.slice(0, -3)) : undefined;
    if (!script) throw new ApiError(404, 'not_found', 'no such asset');
    res.header('cache-control', 'public, max-age=31536000, immutable').header('etag', script.etag);
    if (req.headers['if-none-match'] === script.etag) return void res.code(304).send();
    void res.type('text/javascript; charset=utf-8').send(script.source);
  }
}
