/**
 * New IDs for Signatures.xml, after MaxSignId ("the largest security ID", shared by signatures
 * and their stamp annotations, as ofdrw counts them): the same prefix and zero padding as the
 * existing ones (`2` → `3`, `002` → `003`, `s001` → `s002`); `s001` onwards in a new list, the
 * form GB/T 33190 recommends. None collides with an ID already taken.
 */
export function nextSignIds(
  maxSignId: string | undefined,
  taken: ReadonlySet<string>,
  count: number,
): { ids: string[]; maxSignId: string } {
  const format = /^(.*?)(\d{1,9})$/.exec(maxSignId ?? '');
  const prefix = format?.[1] ?? 's';
  const width = format === null ? 3 : format[2].length;
  let last = format === null ? 0 : Number(format[2]);
  for (const id of taken) {
    if (id.startsWith(prefix) && /^\d{1,9}$/.test(id.slice(prefix.length))) last = Math.max(last, Number(id.slice(prefix.length)));
  }
  const ids: string[] = [];
  while (ids.length < count) {
    last += 1;
    const id = `${prefix}${String(last).padStart(width, '0')}`;
    if (!taken.has(id)) ids.push(id);
  }
  return { ids, maxSignId: ids[ids.length - 1] };
}
