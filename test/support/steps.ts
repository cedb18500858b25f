/**
 * The steps of one scenario, as Jest tests run in order: once a step fails, the later ones (which
 * build on it) fail at once saying which step broke. `describeFailure` adds what helps to read the
 * failure (a screenshot, the service's output) to its message.
 */
export function scenarioSteps(
  describeFailure: () => Promise<string | undefined> | string | undefined,
): (name: string, body: () => Promise<void>) => void {
  let failedStep: string | undefined;
  return (name, body) => {
    it(name, async () => {
      if (failedStep) throw new Error(`not run: the step "${failedStep}" failed`);
      try {
        await body();
      } catch (err) {
        failedStep = name;
        const note = await describeFailure();
        if (note && err instanceof Error) {
          err.message += `\n${note}`;
          if (err.stack) err.stack += `\n${note}`;
        }
        throw err;
      }
    });
  };
}
