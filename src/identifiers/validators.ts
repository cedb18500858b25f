import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { canonicalCitizenId, checkCitizenId } from './citizen-id.js';
import type { IdentifierResult } from './identifier-result.js';
import { canonicalLicenceId, checkLicenceId } from './licence-id.js';
import { canonicalUscc, checkUscc } from './uscc.js';

export interface IsCitizenIdOptions extends ValidationOptions {
  /** Also accept 15-digit legacy numbers. Default false. */
  allowLegacy?: boolean;
}

function isValidCitizenId(value: unknown, allowLegacy: boolean): boolean {
  if (typeof value !== 'string') return false;
  if (value.length === 15 && !allowLegacy) return false;
  return canonicalCitizenId(value) !== null;
}

function citizenIdErrorCode(value: unknown, allowLegacy: boolean): string {
  const code = firstErrorCode(checkCitizenId(value));
  const legacyRejected = !allowLegacy && typeof value === 'string' && value.length === 15 && code !== 'CHARSET';
  return legacyRejected ? 'LENGTH' : code;
}

function firstErrorCode(result: IdentifierResult<unknown>): string {
  return result.errors?.[0]?.code ?? 'INVALID';
}

/** With `each`, class-validator passes the whole collection to the message builder. */
function firstInvalid(value: unknown, isValid: (item: unknown) => boolean): unknown {
  if (Array.isArray(value) || value instanceof Set) {
    for (const item of value) if (!isValid(item)) return item;
  } else if (value instanceof Map) {
    for (const item of value.values()) if (!isValid(item)) return item;
  }
  return value;
}

/** Same wording as class-validator's built-in decorators. */
function eachPrefix(options: ValidationOptions): string {
  return options.each ? 'each value in ' : '';
}

// Messages never interpolate $value: the value may be a real person's ID number.
export function IsCitizenId(options: IsCitizenIdOptions = {}): PropertyDecorator {
  const { allowLegacy = false, ...validationOptions } = options;
  const isValid = (v: unknown): boolean => isValidCitizenId(v, allowLegacy);
  const what = allowLegacy ? 'citizen ID number' : '18-digit citizen ID number';
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'isCitizenId',
      target: target.constructor,
      propertyName: propertyName as string,
      options: validationOptions,
      validator: {
        validate: isValid,
        defaultMessage(args?: ValidationArguments): string {
          const code = citizenIdErrorCode(firstInvalid(args?.value, isValid), allowLegacy);
          return `${eachPrefix(validationOptions)}$property must be a valid ${what} (${code})`;
        },
      },
    });
  };
}

export function IsUscc(options: ValidationOptions = {}): PropertyDecorator {
  const isValid = (v: unknown): boolean => typeof v === 'string' && canonicalUscc(v) !== null;
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'isUscc',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: isValid,
        defaultMessage(args?: ValidationArguments): string {
          const code = firstErrorCode(checkUscc(firstInvalid(args?.value, isValid)));
          return `${eachPrefix(options)}$property must be a valid unified social credit code (${code})`;
        },
      },
    });
  };
}

/** A GB/T 36904 electronic licence identifier (lower case accepted: canonicalise with canonicalLicenceId). */
export function IsLicenceId(options: ValidationOptions = {}): PropertyDecorator {
  const isValid = (v: unknown): boolean => typeof v === 'string' && canonicalLicenceId(v) !== null;
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'isLicenceId',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: isValid,
        defaultMessage(args?: ValidationArguments): string {
          const code = firstErrorCode(checkLicenceId(firstInvalid(args?.value, isValid)));
          return `${eachPrefix(options)}$property must be a valid electronic licence identifier (${code})`;
        },
      },
    });
  };
}
