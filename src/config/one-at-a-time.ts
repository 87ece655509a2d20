/**
 * Runs the calls given to it one after another, each starting once the previous one settled (whether it succeeded or
 * failed), in the order they were made.
 *
 * @example const inTurn = oneAtATime(); await inTurn(() => writeTheFile());
 */
export function oneAtATime(): <Result>(work: () => Promise<Result>) => Promise<Result> {
  let previous: Promise<unknown> = Promise.resolve();
  return (work) => {
    const result = previous.then(work, work);
    previous = result.catch(() => undefined);
    return result;
  };
}
