// The process plumbing of the local broker and Zipkin: pid files, whether a pid is alive and what
// it runs, a detached child with its output in a log file, stopping its process group, the
// watchdog that stops it when its parent dies, waiting until it is ready, and the lock that lets
// one process at a time do a thing. node: built-ins only, because these scripts run before
// `npm install`.

import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Runs a command to its end; resolves to `{ code, signal, out }` (stdout and stderr together). */
export function runCommand(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      reject(err);
      return;
    }
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', (err) => {
      if (err.code === 'ENOENT') err.message = `command not found: ${cmd} (${err.message})`;
      reject(err);
    });
    child.on('close', (code, signal) => resolvePromise({ code, signal, out }));
  });
}

/** True if `pid` exists and is not a zombie. */
export function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    /* no /proc (macOS) or raced: fall through */
  }
  return true;
}

/** True if `pid` is in the process table at all (zombies included). */
export function pidExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

export function pidCommandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }
}

/** The pid in `pidFile`, or undefined if there is none. */
export function readPidFile(pidFile) {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `cmd` detached, in a process group of its own (so that stopPid reaches its children
 * too), with stdout and stderr appended to (`append`) or written over `logFile`. Writes its pid to
 * `pidFile` and, with `watchParent`, starts the watchdog that stops it when that pid is gone.
 * Resolves to the pid once it runs; if it cannot be launched, rejects with `launchError(error)`.
 */
export async function spawnDetached(cmd, args, { cwd, env, logFile, append = false, pidFile, watchParent, launchError = (err) => err }) {
  const outFd = openSync(logFile, append ? 'a' : 'w');
  let child;
  try {
    child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', outFd, outFd] });
  } finally {
    closeSync(outFd);
  }
  await new Promise((resolvePromise, reject) => {
    child.once('spawn', resolvePromise);
    child.once('error', (err) => reject(launchError(err)));
  });
  child.unref();
  writeFileSync(pidFile, `${child.pid}\n`);
  if (watchParent) spawnWatchdog(watchParent, child.pid);
  return child.pid;
}

/** Detached shell loop: when `parentPid` is gone, SIGTERM (then SIGKILL) the process group of `pid`. */
export function spawnWatchdog(parentPid, pid) {
  const script = `
    while kill -0 ${parentPid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done
    if kill -0 ${pid} 2>/dev/null; then
      kill -TERM -${pid} 2>/dev/null || kill -TERM ${pid} 2>/dev/null
      i=0; while kill -0 ${pid} 2>/dev/null && [ $i -lt 20 ]; do sleep 1; i=$((i+1)); done
      kill -KILL -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null
    fi`;
  try {
    spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    /* best effort */
  }
}

/**
 * SIGTERM the process group of `pid`, wait up to timeoutMs (default 20 s), then SIGKILL. Removes
 * `pidFile` once the process is gone, if the file still names it. Resolves to whether it is gone.
 */
export async function stopPid(pid, { pidFile, timeoutMs = 20_000 } = {}) {
  const signal = (sig) => {
    try {
      process.kill(-pid, sig); // whole process group (spawned detached => pgid = pid)
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  let stopped;
  if (pidAlive(pid)) {
    signal('SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
    if (pidAlive(pid)) {
      signal('SIGKILL');
      const killDeadline = Date.now() + 5_000;
      while (pidAlive(pid) && Date.now() < killDeadline) await sleep(50);
    }
    stopped = !pidAlive(pid);
  } else {
    stopped = true;
  }
  // a dead process may linger briefly as a zombie until its parent reaps it (if that parent is this
  // process, libuv does so on a later event-loop turn): wait for it to vanish from the process table
  const reapDeadline = Date.now() + 2_000;
  while (stopped && pidExists(pid) && Date.now() < reapDeadline) await sleep(20);
  if (pidFile && stopped && readPidFile(pidFile) === pid) rmSync(pidFile, { force: true });
  return stopped;
}

/**
 * Stops the process `pidFile` names if `isOurs(pid)` (else the file is stale: it goes), calling
 * `onStop(pid)` first. Resolves to `{ stopped, pid?, wasRunning }`.
 */
export async function stopByPidFile(pidFile, { isOurs, onStop, timeoutMs }) {
  const pid = readPidFile(pidFile);
  if (pid === undefined) return { stopped: true, wasRunning: false };
  if (!isOurs(pid)) {
    rmSync(pidFile, { force: true });
    return { stopped: true, pid, wasRunning: false };
  }
  onStop(pid);
  const stopped = await stopPid(pid, { pidFile, timeoutMs });
  return { stopped, pid, wasRunning: true };
}

/**
 * Polls `ready()` until it says yes. Throws `exited()` as soon as `pid` is gone, `notReady()` once
 * `deadline` (epoch ms) has passed.
 */
export async function waitForReady({ pid, ready, deadline, exited, notReady }) {
  for (;;) {
    if (!pidAlive(pid)) throw exited();
    if (await ready()) return;
    if (Date.now() > deadline) throw notReady();
    await sleep(200);
  }
}

/**
 * Simple cross-process lock: an exclusive `mkdir`. A lock whose owner pid is dead (or that is
 * older than `staleMs`) is broken. Returns a release function.
 */
export async function acquireLock(lockDir, { timeoutMs = 10 * 60_000, staleMs = 15 * 60_000, what = 'lock' } = {}) {
  const deadline = Date.now() + timeoutMs;
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let stale = false;
    try {
      const owner = Number.parseInt(readFileSync(join(lockDir, 'owner'), 'utf8'), 10);
      stale = (Number.isInteger(owner) && !pidAlive(owner)) || Date.now() - statSync(lockDir).mtimeMs > staleMs;
    } catch {
      // owner file not written yet (or lock just released); treat as stale only if old
      try {
        stale = Date.now() - statSync(lockDir).mtimeMs > 10_000;
      } catch {
        /* gone */
      }
    }
    if (stale) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${lockDir})`);
    await sleep(250);
  }
}
