/**
 * CPU time of a process from the kernel's counters (/proc/<pid>/stat: utime + stime, all
 * threads), in milliseconds. Linux only; elsewhere the bench reports no CPU figure.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // getconf missing: Linux's USER_HZ is 100 on every common build.
}

function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: split after its closing parenthesis.
  const close = text.lastIndexOf(')');
  const name = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  return { name, ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]) };
}

/** Pids of the workerd processes this Node process spawned (Miniflare's children). */
export function workerdChildren() {
  const out = [];
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const s = stat(entry);
      if (s.ppid === process.pid && s.name.startsWith('workerd')) out.push(Number(entry));
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

/** Total CPU time (user + system) of `pid` so far, in ms; null when unknown. */
export function cpuMs(pid) {
  if (!pid) return null;
  try {
    const s = stat(pid);
    return ((s.utime + s.stime) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}
