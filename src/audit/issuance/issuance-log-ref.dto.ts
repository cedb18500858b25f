import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { IssuanceLogRef } from './issuance-entry.js';

/** Where an issued item sits in the public issuance log: in issuance answers and in verification reports of tongban's items. */
@ApiSchema({
  name: 'IssuanceLogRef',
  description:
    'The item’s leaf in the public issuance log (issue 14 §3): read it at GET /api/v1/transparency/issuance/entries?start={index}&end={index+1}, ' +
    'and check it is logged with GET /api/v1/transparency/issuance/proofs/inclusion?index={index}&treeSize=… against a signed head (GET /api/v1/transparency/issuance/tree-head).',
})
export class IssuanceLogRefDto implements IssuanceLogRef {
  @ApiProperty({ description: 'the log', enum: ['issuance'], example: 'issuance' })
  log!: 'issuance';

  @ApiProperty({ description: 'the leaf index', type: 'integer', minimum: 0, example: 7 })
  index!: number;
}
