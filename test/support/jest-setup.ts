/**
 * oidc-provider warns once that Node 20 is not its preferred runtime (it works; see README).
 * In test output that line is noise around every suite that loads it.
 */
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
  warn(...args);
};
