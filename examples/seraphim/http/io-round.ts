// The end of the event loop's round of I/O: where SERAPHIM writes the responses that round made.
//
// Node runs, in one round of its event loop, the callback of every socket that became readable;
// `setImmediate` callbacks run right after them all. A response written as soon as it is ready
// goes out between two other connections' reads, so over loopback each one can find its client
// asleep and pay to wake it (on a virtual machine, an interrupt through the hypervisor). Written
// together at the end of the round, the first response wakes the client and the others reach it
// while it runs. The responses of one round are sent in the order they were made, before the loop
// waits for more input. One made in that end itself (the next of a connection's pipelined
// requests, answered as soon as the one before it was written) waits for the next round's end.

let round: Promise<void> | undefined;

/**
 * Resolves once every I/O callback of the event loop's current round has run (in the round's
 * check phase, with `setImmediate`; called from that phase, in the next round's); every caller
 * until then gets the same promise.
 */
export function endOfIoRound(): Promise<void> {
  round ??= new Promise<void>((resolve) => {
    setImmediate(() => {
      round = undefined;
      resolve();
    });
  });
  return round;
}
