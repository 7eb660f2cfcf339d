/**
 * The devnet's processes. Each runs in its own process group, with its output appended to
 * <dir>/<name>.log. A service that exits is started again (`keep`): a keeper or the agent that
 * crashed or was killed must not take the chain, and every task on it, down with it. The pause
 * before a restart doubles with each exit that came soon after a start (1 s up to 60 s), so a
 * process that cannot start does not spin. The chain is watched instead (`watch`): when it
 * exits, the caller stops the devnet, since everything else lives on it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";

export type Service = { name: string; cmd: string; args: string[]; env?: Record<string, string>; echo?: boolean };

/** A run at least this long was healthy: the next restart waits the shortest pause again. */
const HEALTHY_MS = 30_000;
const FIRST_PAUSE_MS = 1_000;
const MAX_PAUSE_MS = 60_000;

/** The pause before the next start, after `quickExits` exits in a row that each came soon after a start. */
export const restartPause = (quickExits: number) => Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** quickExits);

/** `s` as one shell word. */
export const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `service` as a shell command line, run from the repository root: the environment it adds, then argv. */
export function commandLine(service: Service): string {
  const env = Object.entries(service.env ?? {}).map(([k, v]) => `${k}=${shellWord(v)}`);
  return [...env, ...[service.cmd, ...service.args].map(shellWord)].join(" ");
}

export function createSupervisor(opts: { cwd: string; logDir: string; log: (msg: string) => void }) {
  const running = new Map<string, ChildProcess>();
  let stopping = false;

  /** Starts `service` in its own process group; its output goes to its log file and, if `echo`, here. */
  function launch(service: Service): ChildProcess {
    const child = spawn(service.cmd, service.args, {
      cwd: opts.cwd,
      env: { ...process.env, ...service.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const file = createWriteStream(path.join(opts.logDir, `${service.name}.log`), { flags: "a" });
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.pipe(file, { end: false });
      if (service.echo) {
        let rest = "";
        stream.on("data", (d: Buffer) => {
          const lines = (rest + d.toString()).split("\n");
          rest = lines.pop()!;
          for (const line of lines) if (line.trim()) console.log(`[${service.name}] ${line}`);
        });
      }
    }
    child.on("exit", () => file.end());
    running.set(service.name, child);
    return child;
  }

  /** A service's log file, relative to the repository root if it is inside it. */
  const logName = (service: Service) => {
    const file = path.join(opts.logDir, `${service.name}.log`);
    return path.relative(opts.cwd, file).startsWith("..") ? file : path.relative(opts.cwd, file);
  };

  /**
   * Runs `service` until `stop`, starting it again whenever it exits. `onStart` hears of each
   * start (the first and every restart).
   */
  function keep(service: Service, onStart: (child: ChildProcess, restarts: number) => void = () => {}) {
    let restarts = 0;
    let quickExits = 0;
    const run = () => {
      const startedAt = Date.now();
      const child = launch(service);
      onStart(child, restarts);
      child.on("exit", (code, signal) => {
        if (stopping) return;
        const ranMs = Date.now() - startedAt;
        const pause = restartPause(quickExits);
        quickExits = ranMs < HEALTHY_MS ? quickExits + 1 : 0;
        restarts++;
        opts.log(`${service.name} exited (${signal ?? `code ${code}`}) after ${Math.round(ranMs / 1000)} s; restarting it in ${pause / 1000} s (restart ${restarts}; see ${logName(service)})`);
        setTimeout(() => stopping || run(), pause);
      });
    };
    run();
  }

  /** Runs `service` once; `onExit` is called if it exits before `stop`. */
  function watch(service: Service, onExit: (why: string) => void): ChildProcess {
    const child = launch(service);
    child.on("exit", (code, signal) => stopping || onExit(`${service.name} exited (${signal ?? `code ${code}`}); see ${logName(service)}`));
    return child;
  }

  /**
   * Stops every service: those named in `last` after all the others, so that the chain outlives
   * the keepers' and the agent's last transactions. Nothing is restarted from here on.
   */
  async function stop(last: string[] = [], beforeLast: () => Promise<void> = async () => {}) {
    stopping = true;
    const first = [...running.keys()].filter((name) => !last.includes(name));
    await Promise.all(first.map((name) => stopGroup(running.get(name)!, 20_000, opts.log)));
    await beforeLast();
    for (const name of last) if (running.has(name)) await stopGroup(running.get(name)!, 5_000, opts.log);
  }

  return { keep, watch, stop };
}

/** Whether any process of `child`'s group is still alive. */
function groupAlive(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops `child`'s whole process group: SIGTERM, then SIGKILL if it is still there after
 * `graceMs`. Resolves once no process of the group is left.
 */
async function stopGroup(child: ChildProcess, graceMs: number, log: (msg: string) => void) {
  if (!child.pid || !groupAlive(child)) return;
  process.kill(-child.pid, "SIGTERM");
  for (const until = Date.now() + graceMs; groupAlive(child) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(child)) {
    log(`process group ${child.pid} still running after ${graceMs / 1000} s: killing it`);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
}
