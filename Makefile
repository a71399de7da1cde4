# Argon: the one top-level entry point. See README.md.
TOP := $(abspath .)
BUILD := $(TOP)/build
PYTEST ?= /usr/bin/python3 -m pytest

.PHONY: all hypervisor guests hvm-guests iso run test unit-test system-test dom0-tools bench deps clean

all: hypervisor dom0-tools

hypervisor:
	$(MAKE) -C hypervisor O=$(BUILD)/hypervisor

# PV test kernels: build/guests/<name>.elf, for the system tests.
guests:
	$(MAKE) -C tests/guests O=$(BUILD)/guests

# HVM test guests: build/hvm-guests/<name>.elf, for the system tests.
hvm-guests:
	$(MAKE) -C tests/hvm O=$(BUILD)/hvm-guests

iso: hypervisor
	scripts/mkiso --out $(BUILD)/argon.iso --hv-cmdline "$(HV_CMDLINE)"

deps:
	@scripts/install-deps

# Boot the demo: Argon with Debian's generic kernel as domain 0 and a busybox shell on this
# terminal (hvc0); `poweroff -f` ends it, Ctrl-A X leaves QEMU (scripts/run-dom0).
RUN_TIMEOUT ?= 0
run: deps
	$(MAKE) hypervisor
	scripts/run-dom0 --timeout $(RUN_TIMEOUT) --hv-cmdline "$(HV_CMDLINE)"

dom0-tools:
	$(MAKE) -C dom0-tools

test: unit-test system-test

unit-test:
	$(MAKE) -C tests/unit O=$(BUILD)/unit
	$(MAKE) -C tests/abi O=$(BUILD)/abi
	$(MAKE) -C dom0-tools test

system-test: hypervisor guests hvm-guests
	$(PYTEST) -q tests/system

bench: deps
	bench/boot_time.py
	bench/pv_costs.py
	bench/pv_pair.py
	bench/hvm_sched.py
	bench/linux.py
	bench/hvm_linux.py
	$(MAKE) -C dom0-tools bench

clean:
	rm -rf $(BUILD)
