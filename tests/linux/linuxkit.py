"""Debian's stock Linux kernels for Argon's system tests: fetch, extract, and build an initramfs.

Nothing here is committed: `apt-get download` fetches the packages at test time into
<repo>/cache/linux/ (git-ignored), and everything derived from them lands next to them.

- fetch(flavour): the kernel package of a flavour ("cloud" = linux-image-cloud-amd64, "generic" =
  linux-image-amd64; the meta package's dependency names the real one) and busybox-static.
- extract_vmlinux(bzimage): the ELF vmlinux inside a bzImage. Argon's domain builder loads ELF
  only, so the harness unpacks the bzImage on the host (the approach of Linux's
  scripts/extract-vmlinux, reimplemented with the setup header: Debian compresses it with LZ4).
- build_initramfs(busybox, out, script): a newc cpio holding busybox and an /init script;
  test_initramfs(busybox) adds INIT_SCRIPT and /bin/pagetouch (tests/linux/pagetouch.c, built
  with the host's `gcc -static`).

Command line: tests/linux/fetch-and-build [cloud|generic] [--shell] prints the paths it produced
(--shell: the initramfs of `make run`, SHELL_INIT, instead of the tests' one).
"""
import io
import lzma
import os
import struct
import subprocess
import tarfile
import zlib

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CACHE = os.path.join(TOP, "cache", "linux")

META = {"cloud": "linux-image-cloud-amd64", "generic": "linux-image-amd64"}


class Unavailable(Exception):
    """The packages cannot be downloaded (no apt, no network, unknown package)."""


def _run(cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError as e:
        raise Unavailable(f"{cmd[0]} not found") from e
    except subprocess.CalledProcessError as e:
        raise Unavailable(f"{' '.join(cmd)} failed: {e.stderr.strip()[-400:]}") from e


def _image_package(flavour):
    """The versioned image package the flavour's meta package depends on."""
    out = _run(["apt-cache", "depends", META[flavour]])
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("Depends: linux-image-"):
            return line.split()[1]
    raise Unavailable(f"{META[flavour]}: no linux-image dependency (run apt-get update?)")


def _download(pkg):
    """Download @pkg's .deb into the cache once; return its path."""
    os.makedirs(CACHE, exist_ok=True)
    for name in os.listdir(CACHE):
        if name.startswith(pkg.replace(":", "%3a") + "_") and name.endswith(".deb"):
            return os.path.join(CACHE, name)
    _run(["apt-get", "download", pkg], cwd=CACHE)
    for name in os.listdir(CACHE):
        if name.startswith(pkg + "_") and name.endswith(".deb"):
            return os.path.join(CACHE, name)
    raise Unavailable(f"apt-get download {pkg} left no .deb in {CACHE}")


def _deb_member(deb, wanted):
    """The bytes of the first file in @deb's data archive whose path satisfies @wanted(path)."""
    data = _run_bytes(["dpkg-deb", "--fsys-tarfile", deb])
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for m in tar.getmembers():
            if m.isfile() and wanted(m.name):
                return m.name, tar.extractfile(m).read()
    raise Unavailable(f"{deb}: no matching file")


def _run_bytes(cmd):
    try:
        return subprocess.run(cmd, check=True, capture_output=True).stdout
    except (FileNotFoundError, subprocess.CalledProcessError) as e:
        raise Unavailable(f"{' '.join(cmd)} failed") from e


def _decompress(payload):
    """Decompress a bzImage payload by its magic. The kernel build appends the uncompressed size
    (4 bytes) after the stream; each decompressor stops at the stream's end and ignores it."""
    if payload.startswith(b"\xfd7zXZ\x00"):
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
    if payload.startswith(b"\x1f\x8b"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(payload)
    for magic, tool in ((b"\x02\x21\x4c\x18", "lz4"), (b"\x28\xb5\x2f\xfd", "zstd")):
        if payload.startswith(magic):
            try:
                # lz4's legacy frames end at the appended size, which it may read as one more
                # (empty) frame header and complain about: keep the output, judge it below.
                return subprocess.run([tool, "-dc"], input=payload, capture_output=True).stdout
            except FileNotFoundError as e:
                raise Unavailable(f"{tool} not found (install the {tool} package)") from e
    raise ValueError(f"unknown bzImage payload compression (magic {payload[:4].hex()})")


def extract_vmlinux(bzimage):
    """Return the ELF vmlinux inside @bzimage (bytes).

    Boot protocol (Documentation/x86/boot.rst): the setup header at 0x1f1 holds setup_sects,
    "HdrS" at 0x202 and the version at 0x206; from 2.08 on, payload_offset (0x248) and
    payload_length (0x24c) locate the compressed kernel inside the protected-mode part, which
    starts at (setup_sects + 1) * 512 (setup_sects 0 means 4). Debian's 6.1 kernels compress it
    with LZ4 (older ones with XZ).
    """
    if len(bzimage) < 0x250 or bzimage[0x202:0x206] != b"HdrS":
        raise ValueError("not a bzImage (no HdrS)")
    version = struct.unpack_from("<H", bzimage, 0x206)[0]
    if version < 0x208:
        raise ValueError(f"boot protocol {version:#x} has no payload fields")
    setup_sects = bzimage[0x1f1] or 4
    off, length = struct.unpack_from("<II", bzimage, 0x248)
    start = (setup_sects + 1) * 512 + off
    payload = bzimage[start:start + length]
    elf = _decompress(payload)
    if not elf.startswith(b"\x7fELF\x02"):
        raise ValueError("decompressed payload is not an ELF64 image")
    return elf


def _cpio_entry(name, mode, data=b"", rdev=(0, 0), ino=[0]):
    ino[0] += 1
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join(f"{v:08x}" for v in (
        ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def build_initramfs(busybox, init_script, extra_files=()):
    """A newc cpio (bytes): busybox at /bin/busybox, its applets linked by /init itself, device
    nodes for the console, and @init_script as /init. @extra_files: (path, mode, bytes)."""
    out = b""
    for d in ("bin", "dev", "proc", "sys", "tmp", "sbin", "etc", "root"):
        out += _cpio_entry(d, 0o040755)
    out += _cpio_entry("dev/console", 0o020600, rdev=(5, 1))
    out += _cpio_entry("dev/null", 0o020666, rdev=(1, 3))
    out += _cpio_entry("dev/kmsg", 0o020644, rdev=(1, 11))
    out += _cpio_entry("bin/busybox", 0o100755, busybox)
    out += _cpio_entry("bin/sh", 0o120777, b"busybox")
    for path, mode, data in extra_files:
        out += _cpio_entry(path, mode, data)
    out += _cpio_entry("init", 0o100755, init_script.encode())
    out += _cpio_entry("TRAILER!!!", 0)
    return out + b"\0" * (-len(out) % 512)


def build_pagetouch():
    """Compile tests/linux/pagetouch.c statically with the host's gcc (once, into the cache);
    return the binary's bytes."""
    src = os.path.join(TOP, "tests", "linux", "pagetouch.c")
    out = os.path.join(CACHE, "pagetouch")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        os.makedirs(CACHE, exist_ok=True)
        _run(["gcc", "-static", "-O2", "-Wall", "-o", out + ".tmp", src])
        os.replace(out + ".tmp", out)
    with open(out, "rb") as f:
        return f.read()


def test_initramfs(busybox_path):
    """The initramfs of the system tests (bytes): busybox, INIT_SCRIPT and /bin/pagetouch."""
    with open(busybox_path, "rb") as f:
        busybox = f.read()
    return build_initramfs(busybox, INIT_SCRIPT, [("bin/pagetouch", 0o100755, build_pagetouch())])


def shell_initramfs(busybox_path):
    """The initramfs of `make run` (bytes): busybox and SHELL_INIT, an interactive shell."""
    with open(busybox_path, "rb") as f:
        busybox = f.read()
    return build_initramfs(busybox, SHELL_INIT)


def fetch(flavour):
    """Download (once) and unpack the @flavour kernel and busybox; return a dict of paths:
    vmlinuz, vmlinux (ELF), busybox (static binary), release (uname -r)."""
    if flavour not in META:
        raise ValueError(f"unknown flavour {flavour!r}")
    pkg = _image_package(flavour)
    release = pkg[len("linux-image-"):]
    out = {"release": release, "package": pkg}
    vmlinuz = os.path.join(CACHE, f"vmlinuz-{release}")
    vmlinux = os.path.join(CACHE, f"vmlinux-{release}")
    if not os.path.exists(vmlinux):
        _, data = _deb_member(_download(pkg), lambda p: "/boot/vmlinuz-" in p)
        with open(vmlinuz + ".tmp", "wb") as f:
            f.write(data)
        os.replace(vmlinuz + ".tmp", vmlinuz)
        with open(vmlinux + ".tmp", "wb") as f:
            f.write(extract_vmlinux(data))
        os.replace(vmlinux + ".tmp", vmlinux)
    out["vmlinuz"], out["vmlinux"] = vmlinuz, vmlinux
    busybox = os.path.join(CACHE, "busybox")
    if not os.path.exists(busybox):
        _, data = _deb_member(_download("busybox-static"), lambda p: p.endswith("bin/busybox"))
        with open(busybox + ".tmp", "wb") as f:
            f.write(data)
        os.chmod(busybox + ".tmp", 0o755)
        os.replace(busybox + ".tmp", busybox)
    out["busybox"] = busybox
    return out


# The /init the tests run. Every result is one line "ARGON-CHECK <name> <value>", written to
# /dev/kmsg so that it reaches whatever console the kernel has (the hvc console, or the boot
# console kept by earlyprintk=xen,keep when a domain has no console ring); printk.devkmsg=on on
# the kernel command line keeps these writes from being rate-limited.
INIT_SCRIPT = r"""#!/bin/sh
/bin/busybox mkdir -p /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
say() { echo "ARGON-CHECK $*" > /dev/kmsg; }
say init-started 1
say uname-r "$(uname -r)"
say memtotal-kib "$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)"
say nproc "$(nproc)"
say date-s "$(date +%s)"
t0=$(cut -d' ' -f1 /proc/uptime)
say sleep-start "$t0"
sleep 2
t1=$(cut -d' ' -f1 /proc/uptime)
say sleep-end "$t1"
# What keeps time and how interrupts arrive: the clocksource, the hypervisor-callback count of
# an HVM guest on the Xen path (the HYP row), and the Xen timer VIRQ's count (timer0).
say clocksource "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
say hyp-irqs "$(sed -n 's/^ *HYP: *\([0-9]*\).*/\1/p' /proc/interrupts)"
say xen-timer-irqs "$(sed -n 's/^ *[0-9]*: *\([0-9]*\) .*timer0$/\1/p' /proc/interrupts)"
if [ -n "$argon_heavy" ]; then
	# The issue's load checks, asked for by argon_heavy=1 on the kernel command line (Linux
	# hands unknown name=value parameters to init as environment variables).
	p0=$(sed -n 's/^processes //p' /proc/stat)
	t0=$(cut -d' ' -f1 /proc/uptime)
	i=0
	while [ $i -lt 2000 ] && /bin/true; do i=$((i + 1)); done
	t1=$(cut -d' ' -f1 /proc/uptime)
	p1=$(sed -n 's/^processes //p' /proc/stat)
	say forkexec "runs=$i forks=$((p1 - p0)) start=$t0 end=$t1"
	t0=$(cut -d' ' -f1 /proc/uptime)
	out=$(/bin/pagetouch 200 2>&1)
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	say pagetouch "rc=$rc start=$t0 end=$t1 $out"
fi
say dmesg-bad "$(dmesg | grep -c -E 'Oops|BUG|WARNING|Call Trace')"
dmesg | grep -E 'Oops|BUG|WARNING|Call Trace' | head -5 | while read -r l; do say dmesg-line "$l"; done
# argon_wait_input=1 waits for a line typed on the console before ending (a domain 0 that must
# outlive its domUs; the line comes over the serial line, CONSOLEIO_read and VIRQ_CONSOLE).
if [ -n "$argon_wait_input" ]; then
	say waiting-for-input 1
	read -r line
	say input "$line"
fi
# argon_end=reboot|crash on the kernel command line ends the run that way instead (issue 5: a
# domU's reboot and crash are reported as such).
case "$argon_end" in
reboot)
	say reboot 1
	reboot -f
	;;
crash)
	say crash 1
	echo c > /proc/sysrq-trigger
	;;
esac
say poweroff 1
poweroff -f
"""


# The /init of `make run`: an interactive busybox shell on the console (hvc0 for domain 0), with
# a controlling terminal (setsid + cttyhack) so that Ctrl-C and job control work. Leaving the
# shell powers the domain off, and Argon then ends the run.
SHELL_INIT = r"""#!/bin/sh
/bin/busybox mkdir -p /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
hostname dom0
export HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin PS1='dom0:\w# ' TERM=vt100
echo
echo "ARGON-SHELL: $(uname -sr), domain 0 on Argon: $(nproc) vCPU(s)," \
	"$(sed -n 's/^MemTotal: *//p' /proc/meminfo) RAM."
echo "ARGON-SHELL: 'poweroff -f' (or leaving the shell) powers domain 0 off and ends the run."
cd /root
setsid cttyhack sh
poweroff -f
"""


def main(argv):
    flavour = argv[1] if len(argv) > 1 else "cloud"
    shell = "--shell" in argv[2:]
    paths = fetch(flavour)
    initrd = os.path.join(CACHE, "initramfs-shell.cpio" if shell else "initramfs.cpio")
    data = shell_initramfs(paths["busybox"]) if shell else test_initramfs(paths["busybox"])
    with open(initrd, "wb") as f:
        f.write(data)
    paths["initramfs"] = initrd
    for k, v in paths.items():
        print(f"{k}={v}")
    return 0


if __name__ == "__main__":
    import sys

    try:
        sys.exit(main(sys.argv))
    except Unavailable as e:
        print(f"fetch-and-build: packages unavailable: {e}", file=sys.stderr)
        sys.exit(77)
