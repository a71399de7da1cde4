/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The typed model: every supported key lands in the right JSON field (and
 * the test fails if a key in the table has no case here), typed validation
 * reports the right position, unknown keys warn, and config -> JSON ->
 * config -> JSON is the identity on the JSON.
 */
#include "testutil.h"
#include "model.h"

#define PV "name = 'm'\nkernel = '/k'\n"
#define HVM "name = 'm'\ntype = 'hvm'\n"
#define PVH "name = 'm'\ntype = 'pvh'\nkernel = '/k'\n"

struct key_case {
	const char *cfg;    /* whole configuration */
	const char *needle; /* expected in its JSON */
};

static const struct key_case key_cases[] = {
	{ PV "disk = [ '/d,,xvda' ]\n", "\"disks\": [" },
	{ PV "vif = [ 'bridge=b' ]\n", "\"bridge\": \"b\"" },
	{ PV "on_poweroff = 'preserve'\n", "\"on_poweroff\": \"preserve\"" },
	{ PV "on_reboot = 'rename-restart'\n", "\"on_reboot\": \"restart_rename\"" },
	{ PV "on_watchdog = 'coredump-destroy'\n", "\"on_watchdog\": \"coredump_destroy\"" },
	{ PV "on_crash = 'coredump-restart'\n", "\"on_crash\": \"coredump_restart\"" },
	{ PV "on_soft_reset = 'soft-reset'\n", "\"on_soft_reset\": \"soft_reset\"" },
	{ PV "type = 'pv'\n", "\"type\": \"pv\"" },
	{ "name = 'm'\nbuilder = 'hvm'\n", "\"type.hvm\": {" },
	{ PV "hap = 0\n", "\"hap\": \"False\"" },
	{ PV "oos = 1\n", "\"oos\": \"True\"" },
	{ PV "seclabel = 'system_u:system_r:domU_t'\n", "\"ssid_label\": \"system_u:system_r:domU_t\"" },
	{ PV "name = 'other'\n", "\"name\": \"other\"" },
	{ PV "uuid = '6a9c2f4b-1d2e-4f3a-9b8c-7d6e5f4a3b2c'\n", "\"uuid\": \"6a9c2f4b-1d2e-4f3a-9b8c-7d6e5f4a3b2c\"" },
	{ PV "pool = 'Pool-1'\n", "\"pool_name\": \"Pool-1\"" },
	{ PV "driver_domain = 1\n", "\"driver_domain\": \"True\"" },
	{ PV "passthrough = 'sync_pt'\n", "\"passthrough\": \"sync_pt\"" },
	{ PV "xend_suspend_evtchn_compat = 1\n", "\"xend_suspend_evtchn_compat\": \"True\"" },
	{ PV "vcpus = 2\nmaxvcpus = 4\n", "\"max_vcpus\": 4,\n        \"avail_vcpus\": [\n            0,\n            1\n        ]" },
	{ PV "vcpus = 3\n", "\"max_vcpus\": 3" },
	{ PV "vcpus = 2\ncpus = '0-2,^1'\n", "\"vcpu_hard_affinity\": [\n            [\n                0,\n                2\n            ],\n            [\n                0,\n                2\n            ]\n        ]" },
	{ PV "vcpus = 2\ncpus = [ '1', '3' ]\n", "\"numa_placement\": \"False\"" },
	{ PV "vcpus = 1\ncpus_soft = '5'\n", "\"vcpu_soft_affinity\": [\n            [\n                5\n            ]\n        ],\n        \"numa_placement\": \"False\"" },
	{ PV "tsc_mode = 'native'\n", "\"tsc_mode\": \"native\"" },
	{ PV "memory = 512\nmaxmem = 1024\n", "\"max_memkb\": 1048576,\n        \"target_memkb\": 524288" },
	{ PV "memory = 256\n", "\"max_memkb\": 262144,\n        \"target_memkb\": 262144" },
	{ HVM "videoram = 16\n", "\"video_memkb\": 16384" },
	{ PV "shadow_memory = 8\n", "\"shadow_memkb\": 8192" },
	{ HVM "rtc_timeoffset = 3600\n", "\"rtc_timeoffset\": 3600" },
	{ HVM "localtime = 1\n", "\"localtime\": \"True\"" },
	{ PV "nomigrate = 1\n", "\"disable_migrate\": \"True\"" },
	{ PV "max_grant_frames = 64\n", "\"max_grant_frames\": 64" },
	{ PV "max_maptrack_frames = 1024\n", "\"max_maptrack_frames\": 1024" },
	{ PV "max_grant_version = 1\n", "\"max_grant_version\": 1" },
	{ HVM "device_model_version = 'qemu-xen'\n", "\"device_model_version\": \"qemu_xen\"" },
	{ HVM "device_model_stubdomain_override = 1\n", "\"device_model_stubdomain\": \"True\"" },
	{ HVM "stubdomain_memory = 128\n", "\"stubdomain_memkb\": 131072" },
	{ HVM "stubdomain_kernel = '/s'\n", "\"stubdomain_kernel\": \"/s\"" },
	{ HVM "stubdomain_ramdisk = '/r'\n", "\"stubdomain_ramdisk\": \"/r\"" },
	{ HVM "device_model_override = '/usr/bin/qemu'\n", "\"device_model\": \"/usr/bin/qemu\"" },
	{ HVM "device_model_stubdomain_seclabel = 'l'\n", "\"device_model_ssid_label\": \"l\"" },
	{ HVM "device_model_user = 'qemu'\n", "\"device_model_user\": \"qemu\"" },
	{ HVM "device_model_args = [ '-a', '-b' ]\n", "\"extra\": [\n            \"-a\",\n            \"-b\"\n        ]" },
	{ PV "device_model_args_pv = [ '-p' ]\n", "\"extra_pv\": [" },
	{ HVM "device_model_args_hvm = [ '-h' ]\n", "\"extra_hvm\": [" },
	{ PV "cpu_weight = 512\n", "\"sched_params\": {\n            \"weight\": 512" },
	{ PV "cap = 0\n", "\"cap\": 0" },
	{ PV "period = 10000\n", "\"period\": 10000" },
	{ PV "extratime = 1\n", "\"extratime\": 1" },
	{ PV "slice = 5\n", "\"slice\": 5" },
	{ PV "latency = 7\n", "\"latency\": 7" },
	{ PV "max_event_channels = 2047\n", "\"event_channels\": 2047" },
	{ PV "kernel = '/boot/vmlinuz'\n", "\"kernel\": \"/boot/vmlinuz\"" },
	{ PV "cmdline = 'console=hvc0'\n", "\"cmdline\": \"console=hvc0\"" },
	{ PV "root = '/dev/xvda1 ro'\nextra = 'quiet'\n", "\"cmdline\": \"root=/dev/xvda1 ro quiet\"" },
	{ PV "extra = 'quiet'\n", "\"cmdline\": \"quiet\"" },
	{ PV "ramdisk = '/boot/initrd'\n", "\"ramdisk\": \"/boot/initrd\"" },
	{ PV "device_tree = '/dt'\n", "\"device_tree\": \"/dt\"" },
	{ HVM "acpi = 0\n", "\"acpi\": \"False\"" },
	{ "name = 'm'\nbootloader = 'pygrub'\n", "\"bootloader\": \"pygrub\"" },
	{ PV "bootloader_args = [ '-q', '--entry=1' ]\n", "\"bootloader_args\": [" },
	{ HVM "timer_mode = 'no_delay_for_missed_ticks'\n", "\"timer_mode\": \"no_delay_for_missed_ticks\"" },
	{ HVM "nestedhvm = 1\n", "\"nested_hvm\": \"True\"" },
	{ HVM "apic = 0\n", "\"apic\": \"False\"" },
	{ HVM "dm_restrict = 1\n", "\"dm_restrict\": \"True\"" },
	{ PV "tee = 'optee'\n", "\"tee\": \"optee\"" },
	{ PV "altp2m = 'mixed'\n", "\"altp2m\": \"mixed\"" },
	{ HVM "vmtrace_buf_kb = 64\n", "\"vmtrace_buf_kb\": 64" },
	{ PV "vpmu = 1\n", "\"vpmu\": \"True\"" },
	{ HVM "firmware_override = '/fw.bin'\n", "\"firmware\": \"/fw.bin\"" },
	{ HVM "bios = 'ovmf'\n", "\"bios\": \"ovmf\"" },
	{ HVM "firmware = 'uefi'\n", "\"bios\": \"ovmf\"" },
	{ "name = 'm'\nfirmware = 'pvgrub64'\n", "\"kernel\": \"/usr/lib/xen/boot/pvgrub64.bin\"" },
	{ HVM "pae = 1\n", "\"pae\": \"True\"" },
	{ HVM "acpi_s3 = 0\n", "\"acpi_s3\": \"False\"" },
	{ HVM "acpi_s4 = 0\n", "\"acpi_s4\": \"False\"" },
	{ HVM "acpi_laptop_slate = 1\n", "\"acpi_laptop_slate\": \"True\"" },
	{ HVM "nx = 0\n", "\"nx\": \"False\"" },
	{ HVM "viridian = [ 'defaults', 'synic', '!freq' ]\n", "\"viridian\": \"True\",\n            \"viridian_enable\": [\n                7\n            ],\n            \"viridian_disable\": [\n                1\n            ]" },
	{ HVM "viridian = 1\n", "\"viridian\": \"True\"" },
	{ HVM "hpet = 0\n", "\"hpet\": \"False\"" },
	{ HVM "vpt_align = 1\n", "\"vpt_align\": \"True\"" },
	{ HVM "mmio_hole = 1024\n", "\"mmio_hole_memkb\": 1048576" },
	{ HVM "altp2mhvm = 1\n", "\"altp2m\": \"True\"" },
	{ HVM "bios_path_override = '/b'\n", "\"system_firmware\": \"/b\"" },
	{ HVM "smbios_firmware = '/s'\n", "\"smbios_firmware\": \"/s\"" },
	{ HVM "acpi_firmware = '/a'\n", "\"acpi_firmware\": \"/a\"" },
	{ HVM "hdtype = 'ahci'\n", "\"hdtype\": \"ahci\"" },
	{ HVM "nographic = 1\n", "\"nographic\": \"True\"" },
	{ HVM "keymap = 'de'\n", "\"keymap\": \"de\"" },
	{ HVM "gfx_passthru = 'igd'\n", "\"gfx_passthru\": \"True\",\n            \"gfx_passthru_kind\": \"igd\"" },
	{ HVM "gfx_passthru = 0\n", "\"gfx_passthru\": \"False\"" },
	{ HVM "serial = 'pty'\n", "\"serial\": \"pty\"" },
	{ HVM "serial = [ 'pty', 'file:/tmp/s' ]\n", "\"serial_list\": [\n                \"pty\",\n                \"file:/tmp/s\"\n            ]" },
	{ HVM "boot = 'dc'\n", "\"boot\": \"dc\"" },
	{ HVM "usb = 1\n", "\"usb\": \"True\"" },
	{ HVM "usbversion = 3\n", "\"usbversion\": 3" },
	{ HVM "usbdevice = 'tablet'\n", "\"usbdevice\": \"tablet\"" },
	{ HVM "usbdevice = [ 'tablet', 'mouse' ]\n", "\"usbdevice_list\": [" },
	{ HVM "vkb_device = 0\n", "\"vkb_device\": \"False\"" },
	{ HVM "soundhw = 'hda'\n", "\"soundhw\": \"hda\"" },
	{ HVM "xen_platform_pci = 0\n", "\"xen_platform_pci\": \"False\"" },
	{ HVM "vendor_device = 'xenserver'\n", "\"vendor_device\": \"xenserver\"" },
	{ HVM "rdm_mem_boundary = 2048\n", "\"rdm_mem_boundary_memkb\": 2097152" },
	{ HVM "vga = 'stdvga'\n", "\"vga\": {\n                \"kind\": \"std\"\n            }" },
	{ HVM "stdvga = 0\n", "\"kind\": \"cirrus\"" },
	{ HVM "vnc = 1\n", "\"vnc\": {\n                \"enable\": \"True\"" },
	{ HVM "vnclisten = '0.0.0.0'\n", "\"listen\": \"0.0.0.0\"" },
	{ HVM "vncpasswd = 's3'\n", "\"passwd\": \"s3\"" },
	{ HVM "vncdisplay = 5\n", "\"display\": 5" },
	{ HVM "vncunused = 0\n", "\"findunused\": \"False\"" },
	{ HVM "sdl = 1\n", "\"sdl\": {\n                \"enable\": \"True\"" },
	{ HVM "opengl = 1\n", "\"opengl\": \"True\"" },
	{ HVM "display = ':0'\n", "\"display\": \":0\"" },
	{ HVM "xauthority = '/x'\n", "\"xauthority\": \"/x\"" },
	{ HVM "spice = 1\n", "\"spice\": {\n                \"enable\": \"True\"" },
	{ HVM "spiceport = 6000\n", "\"port\": 6000" },
	{ HVM "spicetls_port = 6001\n", "\"tls_port\": 6001" },
	{ HVM "spicehost = 'h'\n", "\"host\": \"h\"" },
	{ HVM "spicedisable_ticketing = 1\n", "\"disable_ticketing\": \"True\"" },
	{ HVM "spicepasswd = 'p'\n", "\"passwd\": \"p\"" },
	{ HVM "spiceagent_mouse = 1\n", "\"agent_mouse\": \"True\"" },
	{ HVM "spicevdagent = 1\n", "\"vdagent\": \"True\"" },
	{ HVM "spice_clipboard_sharing = 1\n", "\"clipboard_sharing\": \"True\"" },
	{ HVM "spiceusbredirection = 4\n", "\"usbredirection\": 4" },
	{ HVM "spice_image_compression = 'auto_glz'\n", "\"image_compression\": \"auto_glz\"" },
	{ HVM "spice_streaming_video = 'filter'\n", "\"streaming_video\": \"filter\"" },
	{ PV "e820_host = 1\n", "\"type.pv\": {\n            \"e820_host\": \"True\"" },
	{ PVH "pvshim = 1\n", "\"type.pvh\": {\n            \"pvshim\": \"True\"" },
	{ PVH "pvshim_path = '/shim'\n", "\"pvshim_path\": \"/shim\"" },
	{ PVH "pvshim_cmdline = 'c'\n", "\"pvshim_cmdline\": \"c\"" },
	{ PVH "pvshim_extra = 'e'\n", "\"pvshim_extra\": \"e\"" },
	{ PV "msr_relaxed = 1\n", "\"arch_x86\": {\n            \"msr_relaxed\": \"True\"" },
};

/* Every key of the table has a case, and every case holds. */
static void test_every_key(void **state)
{
	size_t i, c;

	(void)state;
	for (i = 0; i < xk_table_len; i++) {
		const struct xk_desc *k = &xk_table[i];
		char line[96], line2[96];
		bool covered = false;

		if (!k->key || k->kind == K_IGNORED) {
			continue;
		}
		snprintf(line, sizeof(line), "\n%s = ", k->key);
		snprintf(line2, sizeof(line2), "%s = ", k->key);
		for (c = 0; c < sizeof(key_cases) / sizeof(key_cases[0]); c++) {
			if (strstr(key_cases[c].cfg, line) || !strncmp(key_cases[c].cfg, line2, strlen(line2))) {
				covered = true;
			}
		}
		if (!covered) {
			print_error("key \"%s\" has no test case\n", k->key);
		}
		assert_true(covered);
	}
	for (c = 0; c < sizeof(key_cases) / sizeof(key_cases[0]); c++) {
		expect_json_has(key_cases[c].cfg, key_cases[c].needle);
	}
}

static void test_defaults_shape(void **state)
{
	(void)state;
	/* libxl's defaults are not printed; nested objects always are */
	expect_json_lacks(PV, "\"on_poweroff\"");
	expect_json_has(PV, "\"on_reboot\": \"restart\"");
	expect_json_has(PV, "\"on_soft_reset\": \"soft_reset\"");
	expect_json_has(PV, "\"run_hotplug_scripts\": \"True\"");
	expect_json_has(PV, "\"claim_mode\": \"True\"");
	expect_json_has(PV, "\"sched_params\": {\n\n        }");
	expect_json_has(PV, "\"type.pv\": {\n\n        },\n        \"arch_arm\": {\n\n        },\n        \"arch_x86\": {\n\n        }");
	expect_json_lacks(PV, "\"max_memkb\"");
	expect_json_lacks(HVM "vncdisplay = 0\n", "\"display\"");
	expect_json_lacks(PV "tsc_mode = 'default'\n", "tsc_mode");
	expect_json_lacks(PV "vcpus = 2\ncpus = 'all'\n", "affinity");
	expect_json_has(PV "on_poweroff = 'destroy'\non_reboot = 'destroy'\n", "\"on_soft_reset\"");
	expect_json_lacks(PV "on_reboot = 'destroy'\n", "\"on_reboot\"");
	expect_json_has(PV "tsc_mode = 1\n", "\"tsc_mode\": \"always_emulate\"");
	expect_json_has(PV "memory = 0x100\n", "\"target_memkb\": 262144");
	expect_json_has(PV "memory = \"128\"\n", "\"target_memkb\": 131072");
	expect_json_has(PV "cmdline = 'a'\ncmdline += ' b'\n", "\"cmdline\": \"a b\"");
}

static void test_validation(void **state)
{
	(void)state;
	expect_error(PV "memory = 'lots'\n", "t.cfg:3:10: \"memory\" must be a whole number, found \"lots\"");
	expect_error(PV "memory = 0\n", "t.cfg:3:10: \"memory\" must be between 1 and 16777216, found 0");
	expect_error(PV "memory = 512\nmaxmem = 256\n", "t.cfg:4:10: \"maxmem\" (256 MiB) is less than \"memory\" (512 MiB)");
	expect_error(PV "vcpus = 5000\n", "t.cfg:3:9: \"vcpus\" must be between 1 and 512, found 5000");
	expect_error(PV "vcpus = 4\nmaxvcpus = 2\n", "t.cfg:4:12: \"maxvcpus\" (2) is less than \"vcpus\" (4)");
	expect_error(PV "on_crash = 'explode'\n", "t.cfg:3:12: \"on_crash\" must be destroy, restart, rename-restart, preserve, coredump-destroy, coredump-restart or soft-reset, found \"explode\"");
	expect_error(PV "type = 'xen'\n", "t.cfg:3:8: \"type\" must be pv, pvh or hvm");
	expect_error("kernel = '/k'\n", "t.cfg: the domain needs a \"name\"");
	expect_error("name = 'x'\n", "t.cfg: a PV guest needs \"kernel\" (or \"bootloader\")");
	expect_error(PV "uuid = 'not-a-uuid'\n", "t.cfg:3:8: \"uuid\" must look like xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)");
	expect_error(HVM "boot = 'cx'\n", "t.cfg:3:10: \"boot\" devices are a (floppy), c (disk), d (CD-ROM) or n (network), found 'x'");
	expect_error(PV "kernel = [ '/a' ]\n", "t.cfg:3:10: \"kernel\" must be a single value, not a list");
	expect_error(PV "memory = 1\nmemory += 2\n", "t.cfg:4:1: \"memory\" is a number; += cannot be used with numbers");
	expect_error(PV "cpu_weight = 0\n", "t.cfg:3:14: \"cpu_weight\" must be between 1 and 65535, found 0");
	expect_error(PV "vcpus = 2\ncpus = '0-2,9999'\n", "t.cfg:4:13: expected a CPU number below 512");
	expect_error(PV "vcpus = 2\ncpus = '3-1'\n", "t.cfg:4:11: expected the end of a CPU range (not below its start, below 512)");
	expect_error(PV "vcpus = 2\ncpus = 'nodes:0'\n", "t.cfg:4:9: NUMA node sets need the host topology and are not supported yet");
	expect_error(HVM "viridian = [ 'warp_drive' ]\n", "t.cfg:3:14: unknown viridian enlightenment \"warp_drive\"");
	expect_error(HVM "vga = 'ega'\n", "t.cfg:3:7: \"vga\" must be stdvga, cirrus, none or qxl");
	expect_error(PV "device_model_args = 'x'\n", "t.cfg:3:21: \"device_model_args\" must be a list of strings");
	expect_error("name = 'm'\nkernel = '/k'\nfirmware = 'pvgrub64'\n", "t.cfg:3:1: both \"kernel\" and \"firmware\" are given");
}

static void test_warnings(void **state)
{
	struct xlcfg_ctx ctx;
	struct diags d;
	struct xlcfg_domain *dom;

	(void)state;
	dom = domain_of(PV "colour = 'blue'\npci = [ '00:1.0' ]\nvnc = 1\n", &d, &ctx);
	assert_non_null(dom);
	assert_int_equal(ctx.errors, 0);
	assert_int_equal(ctx.warnings, 3);
	assert_string_equal(d.text, "t.cfg:3:1: warning: unknown key \"colour\" (ignored)\n"
				    "t.cfg:4:1: warning: \"pci\" is not supported by Argon yet (PCI passthrough is not supported yet); ignored\n"
				    "t.cfg:5:1: warning: \"vnc\" applies only to HVM guests; ignored\n");
	xlcfg_domain_free(dom);
}

static const char *const roundtrip_cfgs[] = {
	PV "memory = 512\nmaxmem = 1024\nvcpus = 2\nmaxvcpus = 8\ncpus = '0-3,^2'\ncpus_soft = [ '1', '2-3' ]\n"
	   "disk = [ '/dev/vg/a,raw,xvda,rw', 'phy:/dev/sdb,xvdb,r', ',,hdc:cdrom,r', 'vdev=xvdc, discard, trusted, target=/a, b' ]\n"
	   "vif = [ '', 'mac=00:16:3e:00:00:01,bridge=br0,rate=10MB/s@20ms,devid=5,mtu=1500,untrusted', 'type=ioemu,model=e1000,ip=1.2.3.4 5.6.7.8' ]\n"
	   "on_poweroff = 'preserve'\non_reboot = 'destroy'\non_crash = 'coredump-restart'\n"
	   "root = '/dev/xvda1'\nextra = 'console=hvc0 \"quoted\" \\\\ back'\nramdisk = '/i'\n"
	   "cpu_weight = 256\ncap = 50\nuuid = '6a9c2f4b-1d2e-4f3a-9b8c-7d6e5f4a3b2c'\n"
	   "bootloader_args = [ '-q' ]\ne820_host = 1\ntsc_mode = 'native'\naltp2m = 2\n",
	HVM "memory = 2048\nvcpus = 4\nviridian = [ 'all', '!freq', 'defaults' ]\nvga = 'qxl'\n"
	    "serial = [ 'pty', 'file:/s' ]\nusbdevice = 'tablet'\nboot = 'cdn'\nvnc = 1\nvnclisten = '::1'\n"
	    "sdl = 0\nspice = 1\nspiceport = 5900\ngfx_passthru = 'igd'\nfirmware = '/my/fw'\nbios = 'seabios'\n"
	    "device_model_args_hvm = [ '-x', 'y' ]\nmmio_hole = 512\nhdtype = 'ahci'\ntimer_mode = 1\n",
	PVH "pvshim = 1\npvshim_extra = 'loglvl=all'\nmemory = 64\nvcpus = 1\ncpus = [ '7' ]\n",
	"name = 'tiny'\nbootloader = 'pygrub'\nbootloader_args = '--a --b'\nvcpus = 2\ncpus = [ '1', '1' ]\n",
};

/* config -> JSON -> config -> JSON gives the same JSON, and so does JSON -> JSON. */
static void test_roundtrip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(roundtrip_cfgs) / sizeof(roundtrip_cfgs[0]); i++) {
		struct xlcfg_ctx ctx;
		struct diags d;
		struct xlcfg_domain *d1, *d2, *d3;
		char *j1 = json_of(roundtrip_cfgs[i]), *cfg2, *j2, *j3;

		ctx_collect(&ctx, &d, "rt.json");
		assert_int_equal(xlcfg_domain_from_json(&ctx, j1, strlen(j1), &d1), 0);
		assert_int_equal(ctx.warnings, 0);
		assert_int_equal(xlcfg_domain_to_cfg(d1, &cfg2), 0);
		ctx_collect(&ctx, &d, "rt.cfg");
		if (xlcfg_domain_from_text(&ctx, cfg2, strlen(cfg2), &d2)) {
			print_error("regenerated config does not parse:\n%s\n%s\n", cfg2, d.text);
			fail();
		}
		assert_int_equal(xlcfg_domain_to_json(d2, &j2), 0);
		if (strcmp(j1, j2)) {
			print_error("config:\n%s\nregenerated:\n%s\nJSON 1:\n%s\nJSON 2:\n%s\n", roundtrip_cfgs[i], cfg2, j1, j2);
		}
		assert_string_equal(j1, j2);
		ctx_collect(&ctx, &d, "rt.json");
		assert_int_equal(xlcfg_domain_from_json(&ctx, j2, strlen(j2), &d3), 0);
		assert_int_equal(xlcfg_domain_to_json(d3, &j3), 0);
		assert_string_equal(j1, j3);
		xlcfg_domain_free(d1);
		xlcfg_domain_free(d2);
		xlcfg_domain_free(d3);
		free(j1);
		free(j2);
		free(j3);
		free(cfg2);
	}
}

static void json_err(const char *json, const char *error)
{
	struct xlcfg_ctx ctx;
	struct diags d;
	struct xlcfg_domain *dom = NULL;

	ctx_collect(&ctx, &d, "j.json");
	assert_int_equal(xlcfg_domain_from_json(&ctx, json, strlen(json), &dom), -EINVAL);
	assert_null(dom);
	if (strcmp(ctx.first_error, error)) {
		print_error("json: %s\nwant: %s\ngot: %s\n", json, error, ctx.first_error);
	}
	assert_string_equal(ctx.first_error, error);
}

static void test_json_errors(void **state)
{
	(void)state;
	json_err("{", "j.json: invalid JSON: parse error: premature EOF                                        {                      (right here) ------^ ");
	json_err("{\"c_info\": {\"type\": \"xen\"}}", "j.json: JSON field c_info.type: expected \"pv\", \"pvh\" or \"hvm\"");
	json_err("{\"c_info\": {\"type\": \"pv\", \"name\": \"x\"}, \"b_info\": {\"target_memkb\": 1000000}}",
		 "j.json: JSON field b_info.target_memkb: not a whole number of MiB, which xl.cfg cannot express");
	json_err("{\"c_info\": {\"type\": \"pv\", \"name\": 5}}", "j.json: JSON field c_info.name: expected a string");
	json_err("{\"c_info\": {\"type\": \"pv\", \"name\": \"x\"}, \"b_info\": {\"avail_vcpus\": [1, 2]}}",
		 "j.json: JSON field b_info.avail_vcpus: only the vCPU set 0..n-1 can be written as \"vcpus\"");
	json_err("{\"c_info\": {\"type\": \"pv\", \"name\": \"x\"}, \"b_info\": {\"type.hvm\": {}}}",
		 "j.json: JSON field b_info.type.hvm: does not match c_info.type");
	json_err("{\"c_info\": {\"type\": \"pv\", \"name\": \"x\"}, \"disks\": [{\"vdev\": \"a,b\", \"pdev_path\": \"/x\"}]}",
		 "j.json: JSON field disks[0].vdev: contains ',', which a disk or vif specification cannot express");
	json_err("{\"c_info\": {\"type\": \"pv\"}}", "j.json: JSON field c_info.name: the domain needs a name");
	json_err("[]", "j.json: JSON field : expected an object");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key),   cmocka_unit_test(test_defaults_shape),
		cmocka_unit_test(test_validation),  cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_roundtrip),   cmocka_unit_test(test_json_errors),
	};

	return cmocka_run_group_tests_name("xlcfg model", tests, NULL, NULL);
}
