import { registerDecorator, type ValidationOptions } from 'class-validator';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * A seal's validStart or validEnd from ISO 8601: a date-time with its offset, or a date alone in
 * China time — the start of that day for validStart, its end (the next midnight, UTC+8) for
 * validEnd, as "valid through 2027-06-30" means. Whole seconds (GeneralizedTime in the seal):
 * fractions are dropped. Null when it is neither, or not a real date and time.
 */
export function parseSealTime(value: unknown, edge: 'start' | 'end'): Date | null {
  if (typeof value !== 'string') return null;
  const date = DATE.exec(value);
  if (date) {
    if (!realDate(date[1], date[2], date[3])) return null;
    return new Date(Date.parse(`${value}T00:00:00+08:00`) + (edge === 'end' ? DAY_MS : 0));
  }
  const m = DATE_TIME.exec(value);
  if (!m || !realDate(m[1], m[2], m[3])) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return null;
  if (m[9] !== undefined && (Number(m[9]) > 14 || Number(m[10]) > 59)) return null;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? null : wholeSeconds(new Date(ms));
}

export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** class-validator: an ISO 8601 date or date-time with offset (the message never quotes the value). */
export function IsSealTime(edge: 'start' | 'end', options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'isSealTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => parseSealTime(value, edge) !== null,
        defaultMessage: () => '$property must be an ISO 8601 date (YYYY-MM-DD, China time) or a date-time with an offset',
      },
    });
  };
}

function realDate(year: string, month: string, day: string): boolean {
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    Number(year) >= 1 && d.getUTCFullYear() === Number(year) && d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day)
  );
}
