"""Guest consoles on the serial line: Argon serves the PV console ring of an unprivileged domain
(output as "(d2) ..." lines, flow control past a full ring, input from the serial line, garbage
ring indexes survived), domain 0 reads its input with CONSOLEIO_read after VIRQ_CONSOLE, and
Ctrl-A typed three times moves the input focus: Argon -> d0 -> d2 -> Argon."""
import os
import re

from conftest import BUILD, EXIT_SUCCESS

CONSOLE = os.path.join(BUILD, "guests", "console.elf")
# One Ctrl-A on the guest's serial line: QEMU's stdio multiplexer wants its escape doubled.
CTRL_A = b"\x01\x01"
SWITCH = CTRL_A * 3
FOCUS = r"^\*\*\* Serial input to (\S+) \(type 'CTRL-a' three times to switch input\)$"

MODULES = [f"{CONSOLE} argon:dom=0,mem=16M,priv", f"{CONSOLE} argon:dom=2,mem=16M"]


def results(b, dom):
    return {m.group(1): (m.group(2), m.group(3))
            for m in b.findall(rf"^\(d{dom}\) TEST (\S+): (PASS|FAIL)\b ?(.*)$")}


def boot_with_input(boot):
    # Every switch happens while the domains it names are alive (d0 waits for a second line).
    script = [
        # The focus starts on domain 0.
        (r"^\(d0\) WAITING FOR INPUT$", b"hello d0\n"),
        # d2 is next; Argon after it drops what it gets; then d0 and d2 again. The lone Ctrl-A
        # in d2's line is not a switch: it reaches d2 with the byte after it.
        (r"^\(d2\) WAITING FOR INPUT$",
         SWITCH + SWITCH + b"lost-to-argon\n" + SWITCH + SWITCH + b"x" + CTRL_A + b"y\n"),
        # d2 is gone, so the focus fell back to Argon: the next console is d0.
        (r"^d2: destroyed", SWITCH + b"bye d0\n"),
    ]
    return boot("test-exit", modules=MODULES, timeout=120, input=script)


def test_ring_console_output_input_and_focus(boot):
    b = boot_with_input(boot)
    assert b.rc == EXIT_SUCCESS, b.text
    for dom in (0, 2):
        r = results(b, dom)
        assert set(r) == {"a_start_of_day", "b_bulk_output", "c_input", "d_corrupt_indexes",
                          "e_ring_frame_is_held"}, r
        assert all(v[0] == "PASS" for v in r.values()), (dom, r)
        b.must_find(rf"^\(d{dom}\) SUMMARY: 5/5 passed$")
    assert results(b, 0)["a_start_of_day"][1] == "dom0: console_io"
    assert results(b, 2)["a_start_of_day"][1].startswith("ring pfn")

    # Output through the ring: all 40 bulk lines, whole and in order (twice the ring's size).
    bulk = [m.group(0) for m in b.findall(r"^\(d2\) BULK .*$")]
    expect = []
    for i in range(40):
        line = f"BULK {i:02d} "
        while len(line) < 99:
            line += chr(ord("a") + (i + len(line)) % 26)
        expect.append(f"(d2) {line}")
    assert bulk == expect

    # The focus moved as typed, each switch announced.
    assert [m.group(1) for m in b.findall(FOCUS)] == ["d0", "d2", "Argon", "d0", "d2", "d0"]
    b.must_find(r"^\*\*\* Serial input to Argon \(d2 is gone\)$")
    # Input reached the focused console only.
    b.must_find(r"^\(d0\) GOT hello d0$")
    b.must_find(r"^\(d0\) GOT bye d0$")
    b.must_find(r"^\(d2\) GOT x\\x01y$")
    assert not b.find(r"lost-to-argon"), "input typed while Argon had the focus reached a guest"

    # Garbage indexes: reported once, resynchronised, output goes on.
    assert len(b.findall(r"^d2: console ring indexes are corrupt")) == 1
    b.must_find(r"^\(d2\) OUTPUT AFTER CORRUPTION$")
    b.must_find(r"^last domain \(d\d\) has shut down")


def test_domu_without_input_times_out_cleanly(boot):
    """Nobody types: both guests give up waiting, and the input tests fail (not hang)."""
    b = boot("test-exit", modules=MODULES, timeout=180)
    assert b.rc != EXIT_SUCCESS
    assert results(b, 2)["c_input"][0] == "FAIL"
    assert results(b, 0)["c_input"][0] == "FAIL"
    # Everything else still works, and Argon itself is unharmed.
    assert results(b, 2)["b_bulk_output"][0] == "PASS"
    b.must_find(r"^last domain \(d\d\) has shut down")
