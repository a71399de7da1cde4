#!/usr/bin/python3
"""Boot-time benchmark: QEMU start to the hypervisor's first line and to "ready", Argon against
Debian's Xen 4.17 in the same QEMU (TCG, one run at a time), plus Argon's clean build time and
ISO size. Xen has no dom0 kernel here, so its "ready" is "Brought up N CPUs", the last step of its
own boot before it builds dom0 (and, given no real kernel, panics)."""
import os
import statistics
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.path.join(TOP, "build", "bench")
CACHE = os.path.join(TOP, "cache")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def sh(*cmd, **kw):
    return subprocess.run(cmd, cwd=TOP, check=True, **kw)


def fetch_xen():
    """Debian's Xen hypervisor image, downloaded once into the git-ignored cache."""
    xen = os.path.join(CACHE, "xen", "boot", "xen-4.17-amd64.gz")
    if os.path.exists(xen):
        return xen
    os.makedirs(CACHE, exist_ok=True)
    try:
        sh("sh", "-c", "cd cache && apt-get download xen-hypervisor-4.17-amd64 >/dev/null 2>&1 && "
           "dpkg-deb -x xen-hypervisor-4.17-amd64_*.deb xen")
    except subprocess.CalledProcessError:
        return None
    return xen if os.path.exists(xen) else None


def boot_once(iso, first_tag, ready_text, stop_text):
    """Seconds from QEMU start to the first line with first_tag and to the first with ready_text."""
    t0 = time.monotonic()
    proc = subprocess.Popen([os.path.join(TOP, "scripts", "run-qemu"), iso, "--timeout", "120"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = ready = None
    for raw in proc.stdout:
        now = time.monotonic() - t0
        line = raw.decode("utf-8", "replace")
        if first is None and line.startswith(first_tag):
            first = now
        if ready is None and ready_text in line:
            ready = now
        if stop_text in line:
            break
    proc.kill()
    proc.wait()
    return first, ready


def measure(name, iso, first_tag, ready_text, stop_text):
    firsts, readies = [], []
    for _ in range(RUNS):
        f, r = boot_once(iso, first_tag, ready_text, stop_text)
        if f is None or r is None:
            print(f"{name}: boot did not reach its markers", file=sys.stderr)
            return None
        firsts.append(f)
        readies.append(r)
    return statistics.median(firsts), statistics.median(readies)


def main():
    os.makedirs(BUILD, exist_ok=True)
    t = time.monotonic()
    sh("make", "-s", "-C", "hypervisor", "clean", f"O={BUILD}/hv")
    sh("make", "-s", "-C", "hypervisor", f"O={BUILD}/hv", stdout=subprocess.DEVNULL)
    build_s = time.monotonic() - t
    elf = f"{BUILD}/hv/argon.elf"
    argon_iso = f"{BUILD}/argon.iso"
    sh("scripts/mkiso", "--out", argon_iso, "--hypervisor", elf, "--hv-cmdline", "test-exit")
    print(f"clean build of the hypervisor: {build_s:.1f} s (make, one job)")
    print(f"hypervisor image: {os.path.getsize(elf) // 1024} KiB ELF, "
          f"ISO: {os.path.getsize(argon_iso) / 1e6:.1f} MB")

    argon = measure("Argon", argon_iso, "(ARGON)", "Argon ready", "machine halted")
    print(f"Argon, median of {RUNS}: first line {argon[0]:.2f} s, ready {argon[1]:.2f} s after QEMU start")

    xen_img = fetch_xen()
    if not xen_img:
        print("Xen 4.17: not measured (could not download xen-hypervisor-4.17-amd64)")
        return
    dummy = f"{BUILD}/dummy-dom0.bin"
    with open(dummy, "wb") as f:
        f.write(b"\0" * 4096)
    xen_iso = f"{BUILD}/xen.iso"
    sh("scripts/mkiso", "--out", xen_iso, "--hypervisor", xen_img, "--hv-cmdline",
       "console=com1 com1=115200,8n1 noreboot", "--module", dummy)
    xen = measure("Xen", xen_iso, "(XEN)", "Brought up", "Manual reset required")
    if xen:
        print(f"Xen 4.17, median of {RUNS}: first line {xen[0]:.2f} s, ready {xen[1]:.2f} s after QEMU start")
        print(f"ratio Argon/Xen: first line {argon[0] / xen[0]:.2f}, ready {argon[1] / xen[1]:.2f}")


if __name__ == "__main__":
    main()
