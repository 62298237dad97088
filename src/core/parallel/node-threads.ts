// The OS threads of a Node process, and a lower CPU priority for the ones that do not prove
// (Linux; elsewhere both calls do nothing). A pool with a thread per core leaves no core free,
// and V8's background threads (optimizing compiler, concurrent GC) would then take their time
// slices from the pool's threads: a worker descheduled for one slice stalls the batch it is in.
// At nice 19 they run in the gaps instead (measured in README, "Threads").

type GetBuiltin = (id: string) => unknown;
/** Node's built-in modules without an import of node:* (browser bundles include this file). */
export const getBuiltin = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process?.getBuiltinModule;

interface Fs { readlinkSync(p: string): string; readdirSync(p: string): string[] }
interface Os { setPriority(pid: number, priority: number): void }

/** The calling thread's OS thread id (its /proc/self/task entry), if the system says. */
export function osThreadId(): number | undefined {
  try {
    const fs = getBuiltin?.("node:fs") as Fs | undefined;
    const id = Number(fs?.readlinkSync("/proc/thread-self").split("/").pop());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The lowest priority (highest nice value) a thread can be given. */
export const BACKGROUND_NICE = 19;

/**
 * Gives every thread of this process but `keep` the lowest priority; returns how many it changed.
 * Threads started later keep theirs. Lowering is never refused, raising back may be: call it
 * once the threads that must stay fast are known.
 */
export function lowerOtherThreads(keep: ReadonlySet<number>): number {
  const fs = getBuiltin?.("node:fs") as Fs | undefined, os = getBuiltin?.("node:os") as Os | undefined;
  if (!fs || !os) return 0;
  let tasks: string[];
  try {
    tasks = fs.readdirSync("/proc/self/task");
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const t of tasks) {
    const tid = Number(t);
    if (keep.has(tid)) continue;
    try {
      os.setPriority(tid, BACKGROUND_NICE);
      lowered++;
    } catch {
      // The thread ended meanwhile, or the system refuses: it keeps its priority.
    }
  }
  return lowered;
}
