import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** A grant runs out at the latest this many years after it is made (design §6: no open-ended agents). */
export const AGENT_MAX_YEARS = 3;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * An agent grant's expiry from ISO 8601: a date-time with its offset (`2027-06-30T18:00:00+08:00`,
 * `…Z`), or a date alone, meaning through that day in China (the grant ends at the next midnight,
 * UTC+8). Null when it is neither, or not a real date.
 */
export function parseAgentExpiry(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = DATE.exec(value);
  if (date) return realDate(date[1], date[2], date[3]) ? new Date(Date.parse(`${value}T00:00:00+08:00`) + DAY_MS) : null;
  const m = DATE_TIME.exec(value);
  if (!m || !realDate(m[1], m[2], m[3])) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return null;
  if (m[9] !== undefined && (Number(m[9]) > 14 || Number(m[10]) > 59)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** The latest expiry a grant made at `now` may have. */
export function latestAgentExpiry(now: Date = new Date()): Date {
  const latest = new Date(now.getTime());
  latest.setUTCFullYear(latest.getUTCFullYear() + AGENT_MAX_YEARS);
  return latest;
}

/** Why an expiry is refused, or null when it is acceptable at `now`. */
export function agentExpiryProblem(expiresAt: Date | null, now: Date = new Date()): string | null {
  if (!expiresAt) return 'must be an ISO 8601 date (YYYY-MM-DD) or date-time with an offset';
  if (expiresAt.getTime() <= now.getTime()) return 'must be in the future';
  if (expiresAt.getTime() > latestAgentExpiry(now).getTime()) return `must be at most ${AGENT_MAX_YEARS} years ahead`;
  return null;
}

/** class-validator: an acceptable agent expiry (the message never quotes the value). */
export function IsAgentExpiry(options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'isAgentExpiry',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => agentExpiryProblem(parseAgentExpiry(value)) === null,
        defaultMessage: (args?: ValidationArguments) =>
          `$property ${agentExpiryProblem(parseAgentExpiry(args?.value)) ?? 'is not acceptable'}`,
      },
    });
  };
}

function realDate(year: string, month: string, day: string): boolean {
  const d = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return d.getUTCFullYear() === Number(year) && d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day);
}
