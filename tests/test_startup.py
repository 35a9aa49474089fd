"""Start-up of an offline run: what EAL loads and how much memory it maps.

drivers: no driver library is opened from DPDK's plugin directory, since
  scanwatch links DPDK in, drivers and all (meson option dpdk_static); SKIP
  for a build against the shared libraries, where EAL loads the directory.
memory: EAL's memory follows the configuration: an evidence history larger
  than the 512 MiB offline runs used to get still starts and reads.
tsc: EAL's TSC calibration sleeps 10 ms, not 100 (src/port/tsc.c), and
  measures the rate EAL measures in a program that links the shared
  libraries (TSC_RATE); SKIP for a build against the shared libraries.
Usage: test_startup.py drivers|memory|tsc SCANWATCH DATA_DIR static|shared TSC_RATE
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

part, binary, data, linkage, tsc_rate = sys.argv[1:6]
pcap = os.path.join(data, "nmap_syn_vertical.pcap")


def offline(d, *extra):
    return subprocess.run([binary, "-r", pcap, "-l", d] + list(extra),
                          capture_output=True, text=True, timeout=120)


def wrote_alerts(d):
    eve = os.path.join(d, "eve.json")
    return os.path.exists(eve) and '"event_type":"alert"' in open(eve).read()


if part == "drivers":
    if linkage != "static":
        print("SKIP: scanwatch is linked against DPDK's shared libraries "
              "(-Ddpdk_static=false): EAL loads its driver directory at start")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as d:
        # EAL's own account (lib.eal at debug): the linkage it detected,
        # and an "open shared lib" line for each plugin it dlopen()s
        p = offline(d, "--", "--log-level=lib.eal:debug")
        log = p.stdout + p.stderr
        check("offline_run_reads", p.returncode == 0 and wrote_alerts(d), log[-600:])
        check("eal_sees_dpdk_linked_in", "Detected static linkage of DPDK" in log,
              [x for x in log.splitlines() if "linkage" in x])
        opened = [x for x in log.splitlines() if "open shared lib" in x]
        check("no_driver_library_opened", not opened, opened[:5])
elif part == "tsc":
    if linkage != "static":
        print("SKIP: scanwatch is linked against DPDK's shared libraries "
              "(-Ddpdk_static=false): EAL's calibration is not shortened")
        sys.exit(77)
    ref = subprocess.run([tsc_rate], capture_output=True, text=True, timeout=60)
    check("reference_rate_measured", ref.returncode == 0 and ref.stdout.strip().isdigit(),
          ref.stderr[-400:])
    with tempfile.TemporaryDirectory() as d:
        # EAL's log at debug names the rate; strace shows every sleep
        p = subprocess.run(["strace", "-f", "-e", "trace=clock_nanosleep,nanosleep",
                            "-o", os.path.join(d, "trace"), binary, "-r", pcap, "-l", d,
                            "--", "--log-level=lib.eal:debug"],
                           capture_output=True, text=True, timeout=120,
                           # LeakSanitizer cannot run in a traced process
                           env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
        log = p.stdout + p.stderr
        check("offline_run_reads", p.returncode == 0 and wrote_alerts(d), log[-600:])
        khz = [x.split("~")[1].split()[0] for x in log.splitlines()
               if "TSC frequency is ~" in x]
        check("eal_reports_a_rate", len(khz) == 1, khz)
        if khz and ref.returncode == 0:
            check("rate_as_unshortened_eal_measures_it",
                  int(khz[0]) * 1000 == int(ref.stdout.strip()),
                  "scanwatch %s kHz, shared-library EAL %s Hz" % (khz[0], ref.stdout.strip()))
        sleeps = open(os.path.join(d, "trace")).read()
        check("no_100_ms_calibration_sleep", "tv_nsec=100000000" not in sleeps,
              [x for x in sleeps.splitlines() if "100000000" in x][:3])
else:
    with tempfile.TemporaryDirectory() as d:
        # 262144 evidence records of 2 KiB: 553 MB of DPDK memory
        p = offline(d, "--set", "evidence.history=262144", "--set", "evidence.snaplen=2048")
        check("eal_memory_follows_configuration", p.returncode == 0 and wrote_alerts(d),
              p.stderr[-600:])
finish()
