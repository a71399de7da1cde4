# CLI-level tests of `xl create -n` and the hidden json-to-cfg helper, run
# against a build with ASan and UBSan.
import json
import re

import pytest

from conftest import HERE


def create_n(xl, path, cwd=None):
    r = xl("create", "-n", path, cwd=cwd)
    return r


def test_debian_examples_parse(xl, xlexamples):
    for cfg in xlexamples:
        r = create_n(xl, cfg)
        assert r.returncode == 0, f"{cfg}: {r.stderr}"
        assert r.stderr == f"Parsing config from {cfg}\n"
        dom = json.loads(r.stdout)
        kind = cfg.name.split(".")[1]
        want_type = {"hvm": "hvm", "pvhlinux": "pvh", "pvlinux": "pv"}[kind]
        assert dom["c_info"]["type"] == want_type
        assert dom["c_info"]["name"] == "example." + kind
        assert f"type.{want_type}" in dom["b_info"]
        assert dom["disks"][0]["vdev"] == "xvda"
        assert dom["nics"] == [{"devid": 0}]


@pytest.mark.parametrize("name", ["xlexample.pvlinux", "xlexample.pvhlinux", "xlexample.hvm"])
def test_debian_examples_json_matches_xl(xl, xlexamples, name):
    """The JSON is byte for byte what Xen 4.17's `xl create -n` prints for these files
    (libxl key names, order, defaults and yajl formatting), less the uuid xl generates."""
    cfg = [p for p in xlexamples if p.name == name][0]
    r = create_n(xl, cfg)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (HERE / "expected" / (name + ".json")).read_text()


def test_libxl_key_names(xl, cases):
    dom = json.loads(create_n(xl, cases / "good/pv-full.cfg").stdout)
    b = dom["b_info"]
    assert dom["c_info"]["type"] == "pv"
    assert b["max_memkb"] == 2048 * 1024 and b["target_memkb"] == 1024 * 1024
    assert b["max_vcpus"] == 4 and b["avail_vcpus"] == [0, 1]
    assert b["sched_params"] == {"weight": 512, "cap": 100}
    assert b["kernel"] == "/boot/vmlinuz-6.1" and b["ramdisk"] == "/boot/initrd.img-6.1"
    assert b["cmdline"] == "root=/dev/xvda1 ro console=hvc0 earlyprintk=xen"
    assert b["vcpu_hard_affinity"] == [[0, 2, 3]] * 4
    assert b["type.pv"] == {"e820_host": "True"}
    d0, d1, d2 = dom["disks"]
    assert d0 == {"pdev_path": "/dev/vg/web01-root", "vdev": "xvda", "format": "raw", "readwrite": 1}
    assert d1 == {"pdev_path": "/srv/images/data.qcow2", "vdev": "xvdb", "format": "qcow2"}
    assert d2["is_cdrom"] == 1 and d2["removable"] == 1 and "readwrite" not in d2
    n0, n1 = dom["nics"]
    assert n0 == {"devid": 0, "mac": "00:16:3e:5a:00:01", "ip": "192.0.2.10", "bridge": "xenbr0"}
    assert n1 == {"devid": 1, "bridge": "xenbr1", "script": "vif-bridge",
                  "rate_bytes_per_interval": 500000, "rate_interval_usecs": 50000}
    assert dom["on_reboot"] == "restart" and dom["on_crash"] == "coredump_restart"
    assert "on_poweroff" not in dom  # destroy is libxl's default and not printed


def test_hvm_key_names(xl, cases):
    dom = json.loads(create_n(xl, cases / "good/hvm-full.cfg").stdout)
    h = dom["b_info"]["type.hvm"]
    assert dom["c_info"] == {"type": "hvm", "hap": "True", "name": "win10", "run_hotplug_scripts": "True"}
    assert h["bios"] == "ovmf" and h["boot"] == "dc" and h["serial"] == "pty"
    assert h["vga"] == {"kind": "std"}
    assert h["vnc"] == {"enable": "True", "listen": "127.0.0.1", "display": 3}
    assert h["viridian"] == "True" and h["viridian_disable"] == [4]
    assert h["usbdevice_list"] == ["tablet"]
    assert dom["b_info"]["video_memkb"] == 16384
    assert dom["b_info"]["timer_mode"] == "no_delay_for_missed_ticks"
    assert dom["disks"][1] == {"pdev_path": "", "vdev": "hdc", "format": "empty",
                               "removable": 1, "is_cdrom": 1}
    assert dom["nics"][0]["nictype"] == "vif_ioemu" and dom["nics"][0]["model"] == "e1000"


def roundtrip(xl, cfg, tmp_path):
    j1 = create_n(xl, cfg)
    assert j1.returncode == 0, j1.stderr
    back = xl("json-to-cfg", "-", stdin=j1.stdout)
    assert back.returncode == 0, back.stderr
    again = tmp_path / ("again-" + cfg.name)
    again.write_text(back.stdout)
    j2 = create_n(xl, again)
    assert j2.returncode == 0, j2.stderr + back.stdout
    assert j2.stdout == j1.stdout, back.stdout


def test_roundtrip_good_cases(xl, cases, tmp_path):
    good = sorted((cases / "good").glob("*.cfg"))
    assert len(good) >= 3
    for cfg in good:
        roundtrip(xl, cfg, tmp_path)


def test_roundtrip_debian_examples(xl, xlexamples, tmp_path):
    for cfg in xlexamples:
        roundtrip(xl, cfg, tmp_path)


def test_bad_cases_report_position(xl, cases):
    bad = sorted((cases / "bad").glob("*.cfg"))
    assert len(bad) >= 15
    for cfg in bad:
        first = cfg.read_text().splitlines()[0]
        m = re.match(r"# expect: (.*)$", first)
        assert m, f"{cfg} lacks an '# expect:' line"
        r = create_n(xl, cfg.name, cwd=cfg.parent)
        assert r.returncode == 1, f"{cfg}: {r.stdout}"
        assert r.stdout == ""
        lines = r.stderr.splitlines()
        assert lines[0] == f"Parsing config from {cfg.name}"
        assert lines[1] == m.group(1), f"{cfg}: {r.stderr}"


def test_unknown_key_is_a_warning(xl, tmp_path):
    cfg = tmp_path / "w.cfg"
    cfg.write_text('name = "w"\nkernel = "/k"\n  frobnicate = 1\nvfb = [ "vnc=1" ]\n')
    r = create_n(xl, cfg.name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert 'w.cfg:3:3: warning: unknown key "frobnicate" (ignored)' in r.stderr
    assert 'w.cfg:4:1: warning: "vfb" is not supported by Argon yet' in r.stderr
    assert json.loads(r.stdout)["c_info"]["name"] == "w"


def test_missing_file(xl, tmp_path):
    r = create_n(xl, tmp_path / "nope.cfg")
    assert r.returncode == 1
    assert "nope.cfg: cannot open: No such file or directory" in r.stderr


def test_create_needs_dryrun_for_now(xl, cases):
    r = xl("create", cases / "good/pvh-min.cfg")
    assert r.returncode == 1
    assert "use -n for a dry run" in r.stderr
    assert r.stdout == ""


def test_unknown_subcommand(xl):
    r = xl("frobnicate")
    assert r.returncode == 2
    assert r.stderr == 'xl: unknown command "frobnicate"; run "xl help" for the list of commands\n'


def test_help_lists_create_not_hidden(xl):
    r = xl("help")
    assert r.returncode == 0
    assert re.search(r"^  create ", r.stdout, re.M)
    assert "json-to-cfg" not in r.stdout


def test_create_usage(xl):
    r = xl("create", "-n")
    assert r.returncode == 2
    assert r.stderr.startswith("Usage: xl create")


def test_json_to_cfg_rejects_bad_json(xl):
    r = xl("json-to-cfg", "-", stdin='{"c_info": {"type": "pv", "name": "x"}, "b_info": {"max_memkb": 1000}}')
    assert r.returncode == 1
    assert "JSON field b_info.max_memkb" in r.stderr
