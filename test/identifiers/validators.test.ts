import 'reflect-metadata';
import { validate } from 'class-validator';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { IsCitizenId, IsUscc } from '../../src/identifiers/validators.js';

class PersonDto {
  @IsCitizenId()
  citizenId!: unknown;
}

class LegacyPersonDto {
  @IsCitizenId({ allowLegacy: true })
  citizenId!: unknown;
}

class CompanyDto {
  @IsUscc()
  uscc!: unknown;
}

class CustomMessageDto {
  @IsCitizenId({ message: 'bad id' })
  citizenId!: unknown;
}

class ManyDto {
  @IsCitizenId({ each: true })
  citizenIds!: unknown;
}

function make<T extends object>(cls: new () => T, values: Record<string, unknown>): T {
  return Object.assign(new cls(), values);
}

async function messages(dto: object): Promise<string[]> {
  const errors = await validate(dto);
  return errors.flatMap((e) => Object.values(e.constraints ?? {}));
}

describe('@IsCitizenId', () => {
  test('accepts a valid ID and lowercase x', async () => {
    expect(await messages(make(PersonDto, { citizenId: '11010519491231002X' }))).toEqual([]);
    expect(await messages(make(PersonDto, { citizenId: '11010519491231002x' }))).toEqual([]);
  });

  test('rejects with a message naming the first error code but not the value', async () => {
    const value = '110105194912310023';
    expect(await messages(make(PersonDto, { citizenId: value }))).toEqual([
      'citizenId must be a valid 18-digit citizen ID number (CHECKSUM)',
    ]);
    const msgs = await messages(make(PersonDto, { citizenId: '002023023000100010' }));
    expect(msgs).toEqual(['citizenId must be a valid 18-digit citizen ID number (PROVINCE)']);
    expect(msgs[0]).not.toContain('002023023000100010');
  });

  test('names TYPE, LENGTH and CHARSET', async () => {
    expect(await messages(make(PersonDto, { citizenId: 42 }))).toEqual(['citizenId must be a valid 18-digit citizen ID number (TYPE)']);
    expect(await messages(make(PersonDto, { citizenId: '1101051949' }))).toEqual([
      'citizenId must be a valid 18-digit citizen ID number (LENGTH)',
    ]);
    expect(await messages(make(PersonDto, { citizenId: ' 11010519491231002X' }))).toEqual([
      'citizenId must be a valid 18-digit citizen ID number (CHARSET)',
    ]);
  });

  test('rejects 15-digit numbers unless allowLegacy is set', async () => {
    expect(await messages(make(PersonDto, { citizenId: '110105491231002' }))).toEqual([
      'citizenId must be a valid 18-digit citizen ID number (LENGTH)',
    ]);
    expect(await messages(make(LegacyPersonDto, { citizenId: '110105491231002' }))).toEqual([]);
    expect(await messages(make(LegacyPersonDto, { citizenId: '000105491231002' }))).toEqual([
      'citizenId must be a valid citizen ID number (PROVINCE)',
    ]);
  });

  test('a custom message replaces the default', async () => {
    expect(await messages(make(CustomMessageDto, { citizenId: 'nope' }))).toEqual(['bad id']);
  });

  test('each: true validates every item and names the first failing one', async () => {
    expect(await messages(make(ManyDto, { citizenIds: ['11010519491231002X', makeCitizenId()] }))).toEqual([]);
    const msgs = await messages(make(ManyDto, { citizenIds: ['11010519491231002X', '110105194912310023'] }));
    expect(msgs).toEqual(['each value in citizenIds must be a valid 18-digit citizen ID number (CHECKSUM)']);
  });
});

describe('@IsUscc', () => {
  test('accepts a valid USCC, including lowercase', async () => {
    expect(await messages(make(CompanyDto, { uscc: '91350100M000100Y43' }))).toEqual([]);
    expect(await messages(make(CompanyDto, { uscc: '91350100m000100y43' }))).toEqual([]);
  });

  test('rejects with the first error code and never the value', async () => {
    const value = '91350100M000100Y44';
    const msgs = await messages(make(CompanyDto, { uscc: value }));
    expect(msgs).toEqual(['uscc must be a valid unified social credit code (CHECKSUM)']);
    expect(msgs[0]).not.toContain(value);
    expect(await messages(make(CompanyDto, { uscc: '91350100MO00100Y43' }))).toEqual([
      'uscc must be a valid unified social credit code (CHARSET)',
    ]);
    expect(await messages(make(CompanyDto, { uscc: undefined }))).toEqual(['uscc must be a valid unified social credit code (TYPE)']);
  });
});
