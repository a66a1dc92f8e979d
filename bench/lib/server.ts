// Runs the real app for a benchmark or an end-to-end test: builds it (into
// its own dist dir), prepares a database with bench/setup.ts, starts what
// `npm start` runs (or plain `next start`), finds the process that actually listens, reads
// its memory, captures its output, and stops it gracefully.
// Plain Node APIs only, so vitest and tsx can both load it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export type ServerOptions = {
  appDir: string;
  /** NEXT_DIST_DIR; undefined = Next's default `.next`. */
  distDir?: string;
  port: number;
  env: Record<string, string | undefined>;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /**
   * "npm-start" (default): dist/server.mjs, what `npm start` runs (the lean
   * v1 path plus Next's handler); "next": plain `next start`. A checkout
   * without dist/server.mjs (before the custom server) falls back to next.
   */
  serving?: "npm-start" | "next";
};

export type RunningServer = {
  url: string;
  /** The process we spawned (its group is stopped as a whole). */
  pid: number;
  /** The process that owns the listening socket (where RSS is read). */
  serverPid: number;
  output: () => string;
  rssMb: () => number;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

const nextBin = (appDir: string) => path.join(appDir, "node_modules", "next", "dist", "bin", "next");
const tsxCli = (appDir: string) => path.join(appDir, "node_modules", "tsx", "dist", "cli.mjs");

function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  // The parent's test/bench settings must not leak into the child unless given.
  delete env.NEXT_DIST_DIR;
  delete env.NODE_OPTIONS;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function buildApp(appDir: string, distDir: string | undefined): { ok: boolean; seconds: number; log: string } {
  const start = Date.now();
  const r = spawnSync(process.execPath, [nextBin(appDir), "build"], {
    cwd: appDir,
    env: baseEnv({ NEXT_DIST_DIR: distDir, NODE_ENV: "production" }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  let log = `${r.stdout}\n${r.stderr}`;
  let ok = r.status === 0;
  // npm start's server bundle, where the checkout has one.
  const script = path.join(appDir, "scripts", "build-server.mjs");
  if (ok && existsSync(script)) {
    const s = spawnSync(process.execPath, [script], { cwd: appDir, env: baseEnv({}), encoding: "utf8" });
    ok = s.status === 0;
    log += `\n${s.stdout}\n${s.stderr}`;
  }
  return { ok, seconds: (Date.now() - start) / 1000, log };
}

/** A bare node:http server answering {"ok":true}: the ceiling of this machine's HTTP stack. */
export async function startBareServer(port: number): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const code = `require("node:http").createServer((q, s) => { s.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }); s.end('{"ok":true}'); }).listen(${port}, "127.0.0.1", () => console.log("ready"));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (c) => reject(new Error(`bare server exited (${c})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export type SetupOutput = { token: string; projectId: string; stores: string[]; entries: number; seed: string };

/** Runs bench/setup.ts in its own process (so `server-only` modules load). */
export function runSetup(appDir: string, env: Record<string, string | undefined>, args: string[]): SetupOutput {
  const r = spawnSync(process.execPath, [tsxCli(appDir), "--conditions=react-server", path.join(appDir, "bench", "setup.ts"), ...args], {
    cwd: appDir,
    env: baseEnv({ VAULT_LOG: "off", ...env }),
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench/setup.ts failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const line = r.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as SetupOutput;
}

/** Resolves when nothing listens on the port (so a stale server is detected). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

export async function freePort(from: number, to: number): Promise<number> {
  for (let p = from; p <= to; p++) if (await portFree(p)) return p;
  throw new Error(`no free port in ${from}-${to}`);
}

function children(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

/** The socket inodes listening on a TCP port (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (cols[1]!.endsWith(`:${hex}`) && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** The pid in `root`'s process tree that owns the listening socket. */
export function listeningPid(root: number, port: number): number | null {
  const inodes = listeningInodes(port);
  for (const pid of tree(root)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}

export function rssMbOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function customServerOf(appDir: string): string | null {
  const file = path.join(appDir, "dist", "server.mjs");
  return existsSync(file) ? file : null;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!(await portFree(options.port))) throw new Error(`port ${options.port} is already in use`);
  const custom = (options.serving ?? "npm-start") === "npm-start" ? customServerOf(options.appDir) : null;
  const args = custom
    ? [...(options.nodeArgs ?? []), custom]
    : [...(options.nodeArgs ?? []), nextBin(options.appDir), "start", "-p", String(options.port), "-H", "127.0.0.1"];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.appDir,
    env: baseEnv({ NODE_ENV: "production", NEXT_DIST_DIR: options.distDir, PORT: String(options.port), HOST: "127.0.0.1", ...options.env }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stop() ends the whole tree
  });
  const chunks: Buffer[] = [];
  child.stdout!.on("data", (c: Buffer) => chunks.push(c));
  child.stderr!.on("data", (c: Buffer) => chunks.push(c));
  const output = () => Buffer.concat(chunks).toString("utf8");
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      exitCode = code ?? (signal ? 128 : null);
      resolve(exitCode);
    }),
  );
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}) before it was ready:\n${output().slice(-3000)}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, "SIGKILL");
      throw new Error(`server not ready within 60 s:\n${output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const serverPid = listeningPid(child.pid!, options.port) ?? child.pid!;
  return {
    url,
    pid: child.pid!,
    serverPid,
    output,
    rssMb: () => rssMbOf(serverPid),
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (exitCode !== undefined) return exitCode;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Samples a process's RSS every `ms` until stopped; returns the peak. */
export function rssSampler(read: () => number, ms = 200) {
  let peak = 0;
  const sample = () => {
    const v = read();
    if (Number.isFinite(v) && v > peak) peak = v;
  };
  sample();
  const timer = setInterval(sample, ms);
  timer.unref();
  return {
    peak: () => (sample(), peak),
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** USER_HZ: 100 on Linux for every architecture Node supports. */
const TICKS_PER_SECOND = 100;

function procCpuTicks(pid: number | "self"): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, cutime, cstime are fields 14-17 (1-based); here 11-14 after the name.
    return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  } catch {
    return NaN;
  }
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = line[3]! + line[4]!;
  return { busy: total - idle, total };
}

export type CpuShare = { serverCores: number; benchCores: number; otherCores: number; idleCores: number; serverCpuSeconds: number; wallSeconds: number };

/**
 * CPU used between start and stop, in cores: by the server, by this bench
 * process (load generator, SDK), and by everything else on the machine —
 * the noise the figures should be read against.
 */
export function cpuMeter(serverPid: number) {
  const cores = readFileSync("/proc/stat", "utf8").split("\n").filter((l) => /^cpu\d/.test(l)).length || 1;
  const s0 = procCpuTicks(serverPid);
  const b0 = procCpuTicks("self");
  const m0 = machineTicks();
  return {
    stop(): CpuShare {
      const m1 = machineTicks();
      const wall = (m1.total - m0.total) / cores; // ticks per core elapsed
      const serverTicks = procCpuTicks(serverPid) - s0;
      const server = serverTicks / wall;
      const bench = (procCpuTicks("self") - b0) / wall;
      const busy = (m1.busy - m0.busy) / wall;
      return {
        serverCores: server,
        benchCores: bench,
        otherCores: Math.max(0, busy - server - bench),
        idleCores: Math.max(0, cores - busy),
        serverCpuSeconds: serverTicks / TICKS_PER_SECOND,
        wallSeconds: wall / TICKS_PER_SECOND,
      };
    },
  };
}
