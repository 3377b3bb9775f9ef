// Installs, configures and runs a small service on the `web` group without a package manager or systemd:
// a program and its config file under one directory, settings kept with lineinfile, the process started
// with a pidfile, and a handler-like restart on exactly the hosts whose program or config changed.
// A second run changes nothing. `-e state=stopped` stops it again.
//
//   ftl2 run examples/service.ts -i examples/inventory.example.ini -e base=/tmp/heartbeat
//   ftl2 run examples/service.ts -i inventory.ini -e base=/tmp/heartbeat -e greeting=hello -e interval=2
//   ftl2 run examples/service.ts -i inventory.ini -e base=/tmp/heartbeat -e state=stopped
//
// Variables: base (required, every file lives under it), greeting (default "hello"), interval (seconds,
// default 5), state (started | stopped, default started).
import type { Ftl, HostResult } from "ftl2";

// The "daemon": writes the time and its greeting to a status file every INTERVAL seconds. The trap kills the
// sleep too, so a stop or restart leaves no process behind.
const PROGRAM = `#!/bin/sh
. "$1"
trap 'kill $! 2>/dev/null; rm -f "$PIDFILE"; exit 0' TERM INT
echo $$ > "$PIDFILE"
while :; do
  echo "$(date +%s) $GREETING" > "$STATUS"
  sleep "$INTERVAL" & wait $!
done
`;

function variable(ftl: Ftl, name: string, fallback?: string): string {
  const value = ftl.vars[name] ?? fallback;
  if (value === undefined || value === "") throw new Error(`this example needs -e ${name}=...`);
  return String(value);
}

/** A host pattern naming exactly these hosts. */
const only = (hosts: string[]) => hosts.join(",");
const hostsWhere = <R>(results: HostResult<R>[], keep: (r: HostResult<R>) => boolean) => results.filter(keep).map((r) => r.host);

/** Which hosts run the service now: a pidfile whose process is alive. */
async function runningHosts(ftl: Ftl, pidfile: string): Promise<string[]> {
  const withPidfile = hostsWhere(await ftl.web.stat({ path: pidfile }), (r) => r.ok && r.result.stat?.exists === true);
  if (withPidfile.length === 0) return [];
  const pids = await ftl.run(only(withPidfile), "slurp", { src: pidfile });
  // Each host has its own pid, so each gets its own stat: the calls run at once, within the forks limit.
  const alive = await Promise.all(
    pids.filter((r) => r.ok).map(async (r) => {
      const pid = Buffer.from(r.result.content ?? "", "base64").toString().trim();
      const [proc] = await ftl.target(r.host).stat({ path: `/proc/${pid}`, get_checksum: false });
      return proc?.result.stat?.exists ? r.host : undefined;
    }),
  );
  return alive.filter((h): h is string => h !== undefined);
}

async function stop(ftl: Ftl, hosts: string[], pidfile: string): Promise<void> {
  if (hosts.length === 0) return;
  await ftl.run(only(hosts), "shell", { cmd: `kill "$(cat ${pidfile})"; while [ -e ${pidfile} ]; do sleep 0.1; done` });
}

export async function run(ftl: Ftl): Promise<number> {
  const base = variable(ftl, "base");
  const state = variable(ftl, "state", "started");
  const conf = `${base}/etc/heartbeat.conf`;
  const pidfile = `${base}/run/heartbeat.pid`;
  const status = `${base}/run/status`;

  if (state === "stopped") {
    const running = await runningHosts(ftl, pidfile);
    await stop(ftl, running, pidfile);
    console.log(`heartbeat stopped on ${running.length} host(s)`);
    return ftl.failed ? 2 : 0;
  }
  if (state !== "started") throw new Error(`state must be started or stopped, not '${state}'`);
  const greeting = variable(ftl, "greeting", "hello");
  const interval = variable(ftl, "interval", "5");
  if (!/^\d+$/.test(interval)) throw new Error(`interval must be a whole number of seconds, not '${interval}'`);

  for (const dir of ["bin", "etc", "run", "log"]) await ftl.web.file({ path: `${base}/${dir}`, state: "directory", mode: "0755" });
  const program = await ftl.web.copy({ content: PROGRAM, dest: `${base}/bin/heartbeat`, mode: "0755" });
  // The file's skeleton is written once; the settings below are kept line by line, so local edits elsewhere survive.
  await ftl.web.copy({ content: `PIDFILE=${pidfile}\nSTATUS=${status}\n`, dest: conf, force: false });
  const settings = [
    await ftl.web.lineinfile({ path: conf, regexp: "^GREETING=", line: `GREETING="${greeting}"` }),
    await ftl.web.lineinfile({ path: conf, regexp: "^INTERVAL=", line: `INTERVAL=${interval}` }),
  ];

  // The handler: a host whose program or config changed is restarted if it runs, started if not.
  const changed = new Set([...program, ...settings.flat()].filter((r) => r.changed).map((r) => r.host));
  const failedBefore = new Set(ftl.errors.map((r) => r.host));
  const running = await runningHosts(ftl, pidfile);
  const restart = running.filter((h) => changed.has(h));
  const start = ftl.hosts("web").filter((h) => !running.includes(h) && !failedBefore.has(h));
  await stop(ftl, restart, pidfile);
  const launch = [...restart, ...start];
  if (launch.length > 0) {
    await ftl.run(only(launch), "shell", {
      cmd: `rm -f ${pidfile}; setsid ${base}/bin/heartbeat ${conf} </dev/null >>${base}/log/heartbeat.log 2>&1 &\n` +
        `i=0; while [ ! -s ${pidfile} ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; test -s ${pidfile}`,
    });
    // The health check: the new process has written its status with the configured greeting.
    await ftl.run(only(launch), "wait_for", { path: status, search_regex: ` ${greeting}$`, timeout: 15 });
  }
  console.log(`heartbeat: started on ${start.length}, restarted on ${restart.length}, unchanged on ${running.length - restart.length}; ` +
    `${new Set(ftl.errors.map((r) => r.host)).size} host(s) failed`);
  return ftl.failed ? 2 : 0;
}
