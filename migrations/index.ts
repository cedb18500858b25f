import { Registry1764201600000 } from './1764201600000-registry.js';

/** Every migration, oldest first. Add new ones at the end. */
export const migrations = [Registry1764201600000];
