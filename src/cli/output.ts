/** How the CLI prints: a JSON document with --json, readable lines otherwise; errors on stderr. */
export class Output {
  constructor(readonly json: boolean) {}

  result(value: unknown, human: () => string[]): void {
    process.stdout.write(this.json ? JSON.stringify(value, null, 2) + '\n' : human().join('\n') + '\n');
  }

  note(line: string): void {
    if (!this.json) process.stderr.write(line + '\n');
  }

  error(code: string, message: string): void {
    if (this.json) process.stdout.write(JSON.stringify({ error: code, message }, null, 2) + '\n');
    process.stderr.write(`tongban: ${message}\n`);
  }
}

export function table(rows: string[][]): string[] {
  if (!rows.length) return [];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => [...(row[i] ?? '')].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length))
      .join('  ')
      .trimEnd(),
  );
}
