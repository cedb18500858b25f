import type { DataSource } from 'typeorm';

/**
 * Rate windows are whole minutes of the database clock. A test that fills a window waits, when
 * fewer than 10 seconds of the current minute are left, for the next one, so that the window
 * cannot roll over half-way through.
 */
export async function awaitRoomInMinute(db: DataSource): Promise<void> {
  const [{ second }] = await db.query(`SELECT extract(second FROM now())::float8 AS second`);
  if (second > 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}
