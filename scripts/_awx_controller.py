"""The AWX controller's side of a Receptor job, for scripts/bench-worker.ts.

AWX does not start `ansible-runner process` per job: its task process (already running, ansible_runner
imported) reads the work unit's result stream as Receptor relays it and hands it to
``ansible_runner.interface.run(streamer="process", _input=<result stream>)`` in a thread
(awx/main/tasks/receptor.py, AWXReceptorJob.processor), while the worker is still running.

This stands in for that: one long-lived Python with ansible_runner imported reads one JSON job per stdin line,
starts the worker as Receptor's work-command does (stdin the transmit stream file, stdout and stderr into one
stream), copies that stream to a file (Receptor keeps the unit's stdout in a file too) and, as it arrives,
into the real ``process`` in this interpreter. It answers one JSON line per job: the seconds from starting
the worker to ``process`` returning, the worker's own seconds and peak RSS (GNU time), and ``process``'s status.
"""
import json
import os
import subprocess
import sys
import threading
import time

import ansible_runner


def run_job(job):
    timefile = job["out"] + ".time"
    t0 = time.perf_counter()
    with open(job["stream"], "rb") as stream:
        worker = subprocess.Popen(
            ["/usr/bin/time", "-f", "%e %M", "-o", timefile, job["runner"], "worker",
             "--private-data-dir=" + job["pdd"], "--delete"],
            stdin=stream, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=job["env"])
    read_fd, write_fd = os.pipe()

    def relay():
        with open(job["out"], "wb") as keep, os.fdopen(write_fd, "wb") as onward:
            while True:
                chunk = worker.stdout.read1(65536)
                if not chunk:
                    break
                keep.write(chunk)
                onward.write(chunk)
                onward.flush()

    relay_thread = threading.Thread(target=relay)
    relay_thread.start()
    with os.fdopen(read_fd, "rb") as results:
        runner = ansible_runner.interface.run(streamer="process", quiet=True, _input=results,
                                              private_data_dir=job["processDir"], ident=job["ident"])
    relay_thread.join()
    worker.wait()
    seconds = time.perf_counter() - t0
    with open(timefile) as f:
        worker_seconds, worker_rss = f.read().split()[-2:]
    os.unlink(timefile)
    return {"seconds": seconds, "workerSeconds": float(worker_seconds), "workerRssKb": int(worker_rss),
            "workerCode": worker.returncode, "status": runner.status}


def main():
    for line in sys.stdin:
        sys.stdout.write(json.dumps(run_job(json.loads(line))) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
