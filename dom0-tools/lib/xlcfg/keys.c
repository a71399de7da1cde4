/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The key table: every modelled field of libxl's domain_config, in the
 * order of tools/libs/light/libxl_types.idl (which is the order `xl create
 * -n` prints them), with the xl.cfg key it comes from (xl.cfg(5)).
 */
#include "model.h"

#include <limits.h>
#include <string.h>

#define EN(name, omit, def, ...)                                                  \
	static const struct xk_enum_val name##_vals[] = { __VA_ARGS__ };          \
	static const struct xk_enum name = { name##_vals, ARRAY_SIZE(name##_vals), \
					     omit, def }

EN(en_action_poweroff, "destroy", "destroy", { "destroy", "destroy", -1 },
   { "restart", "restart", -1 }, { "rename-restart", "restart_rename", -1 },
   { "preserve", "preserve", -1 }, { "coredump-destroy", "coredump_destroy", -1 },
   { "coredump-restart", "coredump_restart", -1 }, { "soft-reset", "soft_reset", -1 });
EN(en_action_reboot, "destroy", "restart", { "destroy", "destroy", -1 },
   { "restart", "restart", -1 }, { "rename-restart", "restart_rename", -1 },
   { "preserve", "preserve", -1 }, { "coredump-destroy", "coredump_destroy", -1 },
   { "coredump-restart", "coredump_restart", -1 }, { "soft-reset", "soft_reset", -1 });
EN(en_action_soft_reset, "destroy", "soft-reset", { "destroy", "destroy", -1 },
   { "restart", "restart", -1 }, { "rename-restart", "restart_rename", -1 },
   { "preserve", "preserve", -1 }, { "coredump-destroy", "coredump_destroy", -1 },
   { "coredump-restart", "coredump_restart", -1 }, { "soft-reset", "soft_reset", -1 });
EN(en_passthrough, "default", NULL, { "default", "default", -1 }, { "disabled", "disabled", -1 },
   { "enabled", "enabled", -1 }, { "sync_pt", "sync_pt", -1 }, { "share_pt", "share_pt", -1 });
EN(en_tsc_mode, "default", NULL, { "default", "default", 0 },
   { "always_emulate", "always_emulate", 1 }, { "native", "native", 2 },
   { "native_paravirt", "native_paravirt", 3 });
EN(en_dm_version, NULL, NULL, { "qemu-xen-traditional", "qemu_xen_traditional", -1 },
   { "qemu-xen", "qemu_xen", -1 });
EN(en_timer_mode, NULL, NULL, { "delay_for_missed_ticks", "delay_for_missed_ticks", 0 },
   { "no_delay_for_missed_ticks", "no_delay_for_missed_ticks", 1 },
   { "no_missed_ticks_pending", "no_missed_ticks_pending", 2 },
   { "one_missed_tick_pending", "one_missed_tick_pending", 3 });
EN(en_tee, "none", NULL, { "none", "none", -1 }, { "optee", "optee", -1 }, { "ffa", "ffa", -1 });
EN(en_altp2m, "disabled", NULL, { "disabled", "disabled", 0 }, { "mixed", "mixed", 1 },
   { "external", "external", 2 }, { "limited", "limited", 3 });
EN(en_bios, NULL, NULL, { "rombios", "rombios", -1 }, { "seabios", "seabios", -1 },
   { "ovmf", "ovmf", -1 });
EN(en_hdtype, "ide", NULL, { "ide", "ide", -1 }, { "ahci", "ahci", -1 });
EN(en_vendor_device, "none", NULL, { "none", "none", -1 }, { "xenserver", "xenserver", -1 });

#define STR(k, o, j, t) { .key = k, .obj = o, .json = j, .kind = K_STRING, .types = t }
#define BOOL(k, o, j, t) { .key = k, .obj = o, .json = j, .kind = K_DEFBOOL, .types = t }
#define INT(k, o, j, t, lo, hi) \
	{ .key = k, .obj = o, .json = j, .kind = K_INT, .types = t, .min = lo, .max = hi }
#define INT0(k, o, j, t, lo, hi)                                                      \
	{ .key = k, .obj = o, .json = j, .kind = K_INT, .types = t, .min = lo, .max = hi, \
	  .keep0 = true }
#define MEM(k, o, j, t, lo, hi) \
	{ .key = k, .obj = o, .json = j, .kind = K_MEMKB, .types = t, .min = lo, .max = hi }
#define ENUM(k, o, j, t, e) { .key = k, .obj = o, .json = j, .kind = K_ENUM, .types = t, .en = &e }
#define ACTION(k, e) { .key = k, .obj = O_TOP, .json = k, .kind = K_ACTION, .types = XT_ALL, .en = &e }
#define LIST(k, o, j, t) { .key = k, .obj = o, .json = j, .kind = K_STRLIST, .types = t }
#define SUB(o, j, s) { .obj = o, .json = j, .kind = K_SUB, .types = XT_ALL, .sub = s }
#define CUSTOM(k, o, j, t, c) { .key = k, .obj = o, .json = j, .kind = K_CUSTOM, .types = t, .custom = c }
#define IGNORED(k, why) { .key = k, .obj = O_NONE, .kind = K_IGNORED, .types = XT_ALL, .note = why }

#define MAXMB ((long long)XLCFG_MAX_MEMORY_MB)

const struct xk_desc xk_table[] = {
	/* domain_config */
	SUB(O_TOP, "c_info", O_CINFO),
	SUB(O_TOP, "b_info", O_BINFO),
	CUSTOM("disk", O_TOP, "disks", XT_ALL, C_DISKS),
	CUSTOM("vif", O_TOP, "nics", XT_ALL, C_NICS),
	ACTION("on_poweroff", en_action_poweroff),
	ACTION("on_reboot", en_action_reboot),
	ACTION("on_watchdog", en_action_poweroff),
	ACTION("on_crash", en_action_poweroff),
	ACTION("on_soft_reset", en_action_soft_reset),

	/* c_info */
	CUSTOM("type", O_CINFO, "type", XT_ALL, C_TYPE),
	CUSTOM("builder", O_NONE, NULL, XT_ALL, C_COMPAT),
	BOOL("hap", O_CINFO, "hap", XT_ALL),
	BOOL("oos", O_CINFO, "oos", XT_ALL),
	STR("seclabel", O_CINFO, "ssid_label", XT_ALL),
	STR("name", O_CINFO, "name", XT_ALL),
	{ .key = "uuid", .obj = O_CINFO, .json = "uuid", .kind = K_STRING, .types = XT_ALL,
	  .check = "uuid" },
	STR("pool", O_CINFO, "pool_name", XT_ALL),
	{ .obj = O_CINFO, .json = "run_hotplug_scripts", .kind = K_CONST_TRUE, .types = XT_ALL },
	BOOL("driver_domain", O_CINFO, "driver_domain", XT_ALL),
	ENUM("passthrough", O_CINFO, "passthrough", XT_ALL, en_passthrough),
	BOOL("xend_suspend_evtchn_compat", O_CINFO, "xend_suspend_evtchn_compat", XT_ALL),

	/* b_info */
	CUSTOM("maxvcpus", O_BINFO, "max_vcpus", XT_ALL, C_MAX_VCPUS),
	CUSTOM("vcpus", O_BINFO, "avail_vcpus", XT_ALL, C_AVAIL_VCPUS),
	CUSTOM("cpus", O_BINFO, "vcpu_hard_affinity", XT_ALL, C_HARD_AFFINITY),
	CUSTOM("cpus_soft", O_BINFO, "vcpu_soft_affinity", XT_ALL, C_SOFT_AFFINITY),
	CUSTOM(NULL, O_BINFO, "numa_placement", XT_ALL, C_NUMA_PLACEMENT),
	ENUM("tsc_mode", O_BINFO, "tsc_mode", XT_ALL, en_tsc_mode),
	CUSTOM("maxmem", O_BINFO, "max_memkb", XT_ALL, C_MAX_MEMKB),
	CUSTOM("memory", O_BINFO, "target_memkb", XT_ALL, C_TARGET_MEMKB),
	MEM("videoram", O_BINFO, "video_memkb", XT_ALL, 0, MAXMB),
	MEM("shadow_memory", O_BINFO, "shadow_memkb", XT_ALL, 0, MAXMB),
	INT("rtc_timeoffset", O_BINFO, "rtc_timeoffset", XT_ALL, 0, UINT32_MAX),
	BOOL("localtime", O_BINFO, "localtime", XT_ALL),
	BOOL("nomigrate", O_BINFO, "disable_migrate", XT_ALL),
	INT0("max_grant_frames", O_BINFO, "max_grant_frames", XT_ALL, 0, INT_MAX),
	INT0("max_maptrack_frames", O_BINFO, "max_maptrack_frames", XT_ALL, 0, INT_MAX),
	INT0("max_grant_version", O_BINFO, "max_grant_version", XT_ALL, 1, 2),
	ENUM("device_model_version", O_BINFO, "device_model_version", XT_ALL, en_dm_version),
	BOOL("device_model_stubdomain_override", O_BINFO, "device_model_stubdomain", XT_ALL),
	MEM("stubdomain_memory", O_BINFO, "stubdomain_memkb", XT_ALL, 0, MAXMB),
	STR("stubdomain_kernel", O_BINFO, "stubdomain_kernel", XT_ALL),
	STR("stubdomain_ramdisk", O_BINFO, "stubdomain_ramdisk", XT_ALL),
	STR("device_model_override", O_BINFO, "device_model", XT_ALL),
	STR("device_model_stubdomain_seclabel", O_BINFO, "device_model_ssid_label", XT_ALL),
	STR("device_model_user", O_BINFO, "device_model_user", XT_ALL),
	LIST("device_model_args", O_BINFO, "extra", XT_ALL),
	LIST("device_model_args_pv", O_BINFO, "extra_pv", XT_ALL),
	LIST("device_model_args_hvm", O_BINFO, "extra_hvm", XT_ALL),
	SUB(O_BINFO, "sched_params", O_SCHED),
	{ .obj = O_BINFO, .json = "claim_mode", .kind = K_CONST_TRUE, .types = XT_ALL },
	INT("max_event_channels", O_BINFO, "event_channels", XT_ALL, 0, 1 << 17),
	STR("kernel", O_BINFO, "kernel", XT_ALL),
	CUSTOM("cmdline", O_BINFO, "cmdline", XT_ALL, C_CMDLINE),
	CUSTOM("root", O_NONE, NULL, XT_ALL, C_COMPAT),
	CUSTOM("extra", O_NONE, NULL, XT_ALL, C_COMPAT),
	STR("ramdisk", O_BINFO, "ramdisk", XT_ALL),
	STR("device_tree", O_BINFO, "device_tree", XT_ALL),
	BOOL("acpi", O_BINFO, "acpi", XT_ALL),
	STR("bootloader", O_BINFO, "bootloader", XT_ALL),
	LIST("bootloader_args", O_BINFO, "bootloader_args", XT_ALL),
	ENUM("timer_mode", O_BINFO, "timer_mode", XT_HVM | XT_PVH, en_timer_mode),
	BOOL("nestedhvm", O_BINFO, "nested_hvm", XT_ALL),
	BOOL("apic", O_BINFO, "apic", XT_HVM),
	BOOL("dm_restrict", O_BINFO, "dm_restrict", XT_ALL),
	ENUM("tee", O_BINFO, "tee", XT_ALL, en_tee),
	{ .obj = O_BINFO, .json = "type", .kind = K_TYPEUNION, .types = XT_ALL },
	SUB(O_BINFO, "arch_arm", O_ARM),
	SUB(O_BINFO, "arch_x86", O_X86),
	ENUM("altp2m", O_BINFO, "altp2m", XT_ALL, en_altp2m),
	INT("vmtrace_buf_kb", O_BINFO, "vmtrace_buf_kb", XT_ALL, 0, INT_MAX),
	BOOL("vpmu", O_BINFO, "vpmu", XT_ALL),

	/* b_info.sched_params */
	INT0("cpu_weight", O_SCHED, "weight", XT_ALL, 1, 65535),
	INT0("cap", O_SCHED, "cap", XT_ALL, 0, 100 * (long long)XLCFG_MAX_VCPUS),
	INT0("period", O_SCHED, "period", XT_ALL, 0, INT_MAX),
	INT0("extratime", O_SCHED, "extratime", XT_ALL, 0, 1),
	INT0("slice", O_SCHED, "slice", XT_ALL, 0, INT_MAX),
	INT0("latency", O_SCHED, "latency", XT_ALL, 0, INT_MAX),

	/* b_info."type.hvm" */
	STR("firmware_override", O_HVM, "firmware", XT_HVM),
	ENUM("bios", O_HVM, "bios", XT_HVM, en_bios),
	CUSTOM("firmware", O_NONE, NULL, XT_ALL, C_FIRMWARE),
	BOOL("pae", O_HVM, "pae", XT_HVM),
	BOOL("acpi_s3", O_HVM, "acpi_s3", XT_HVM),
	BOOL("acpi_s4", O_HVM, "acpi_s4", XT_HVM),
	BOOL("acpi_laptop_slate", O_HVM, "acpi_laptop_slate", XT_HVM),
	BOOL("nx", O_HVM, "nx", XT_HVM),
	CUSTOM("viridian", O_HVM, "viridian", XT_HVM, C_VIRIDIAN),
	CUSTOM(NULL, O_HVM, "viridian_enable", XT_HVM, C_VIRIDIAN_ENABLE),
	CUSTOM(NULL, O_HVM, "viridian_disable", XT_HVM, C_VIRIDIAN_DISABLE),
	BOOL("hpet", O_HVM, "hpet", XT_HVM),
	BOOL("vpt_align", O_HVM, "vpt_align", XT_HVM),
	MEM("mmio_hole", O_HVM, "mmio_hole_memkb", XT_HVM, 256, 3840),
	BOOL("altp2mhvm", O_HVM, "altp2m", XT_HVM),
	STR("bios_path_override", O_HVM, "system_firmware", XT_HVM),
	STR("smbios_firmware", O_HVM, "smbios_firmware", XT_HVM),
	STR("acpi_firmware", O_HVM, "acpi_firmware", XT_HVM),
	ENUM("hdtype", O_HVM, "hdtype", XT_HVM, en_hdtype),
	BOOL("nographic", O_HVM, "nographic", XT_HVM),
	SUB(O_HVM, "vga", O_VGA),
	SUB(O_HVM, "vnc", O_VNC),
	STR("keymap", O_HVM, "keymap", XT_HVM),
	SUB(O_HVM, "sdl", O_SDL),
	SUB(O_HVM, "spice", O_SPICE),
	CUSTOM("gfx_passthru", O_HVM, "gfx_passthru", XT_HVM, C_GFX_PASSTHRU),
	CUSTOM(NULL, O_HVM, "gfx_passthru_kind", XT_HVM, C_GFX_KIND),
	{ .key = "serial", .obj = O_HVM, .json = "serial", .kind = K_STR_OR_LIST, .types = XT_HVM },
	{ .key = "boot", .obj = O_HVM, .json = "boot", .kind = K_STRING, .types = XT_HVM,
	  .check = "boot" },
	BOOL("usb", O_HVM, "usb", XT_HVM),
	INT("usbversion", O_HVM, "usbversion", XT_HVM, 1, 3),
	{ .key = "usbdevice", .obj = O_HVM, .json = "usbdevice", .kind = K_STR_OR_LIST,
	  .types = XT_HVM },
	BOOL("vkb_device", O_HVM, "vkb_device", XT_HVM),
	STR("soundhw", O_HVM, "soundhw", XT_HVM),
	BOOL("xen_platform_pci", O_HVM, "xen_platform_pci", XT_HVM),
	{ .obj = O_HVM, .json = "usbdevice_list", .kind = K_LISTPART, .types = XT_HVM,
	  .partner = "usbdevice" },
	ENUM("vendor_device", O_HVM, "vendor_device", XT_HVM, en_vendor_device),
	{ .obj = O_HVM, .json = "serial_list", .kind = K_LISTPART, .types = XT_HVM,
	  .partner = "serial" },
	SUB(O_HVM, "rdm", O_RDM),
	MEM("rdm_mem_boundary", O_HVM, "rdm_mem_boundary_memkb", XT_HVM, 0, MAXMB),

	/* type.hvm.vga, .vnc, .sdl, .spice */
	CUSTOM("vga", O_VGA, "kind", XT_HVM, C_VGA),
	CUSTOM("stdvga", O_NONE, NULL, XT_HVM, C_COMPAT),
	BOOL("vnc", O_VNC, "enable", XT_HVM),
	STR("vnclisten", O_VNC, "listen", XT_HVM),
	STR("vncpasswd", O_VNC, "passwd", XT_HVM),
	INT("vncdisplay", O_VNC, "display", XT_HVM, 0, 65535),
	BOOL("vncunused", O_VNC, "findunused", XT_HVM),
	BOOL("sdl", O_SDL, "enable", XT_HVM),
	BOOL("opengl", O_SDL, "opengl", XT_HVM),
	STR("display", O_SDL, "display", XT_HVM),
	STR("xauthority", O_SDL, "xauthority", XT_HVM),
	BOOL("spice", O_SPICE, "enable", XT_HVM),
	INT("spiceport", O_SPICE, "port", XT_HVM, 0, 65535),
	INT("spicetls_port", O_SPICE, "tls_port", XT_HVM, 0, 65535),
	STR("spicehost", O_SPICE, "host", XT_HVM),
	BOOL("spicedisable_ticketing", O_SPICE, "disable_ticketing", XT_HVM),
	STR("spicepasswd", O_SPICE, "passwd", XT_HVM),
	BOOL("spiceagent_mouse", O_SPICE, "agent_mouse", XT_HVM),
	BOOL("spicevdagent", O_SPICE, "vdagent", XT_HVM),
	BOOL("spice_clipboard_sharing", O_SPICE, "clipboard_sharing", XT_HVM),
	INT("spiceusbredirection", O_SPICE, "usbredirection", XT_HVM, 0, 16),
	STR("spice_image_compression", O_SPICE, "image_compression", XT_HVM),
	STR("spice_streaming_video", O_SPICE, "streaming_video", XT_HVM),

	/* b_info."type.pv", "type.pvh", arch_x86 */
	BOOL("e820_host", O_PV, "e820_host", XT_PV),
	BOOL("pvshim", O_PVH, "pvshim", XT_PVH),
	STR("pvshim_path", O_PVH, "pvshim_path", XT_PVH),
	STR("pvshim_cmdline", O_PVH, "pvshim_cmdline", XT_PVH),
	STR("pvshim_extra", O_PVH, "pvshim_extra", XT_PVH),
	BOOL("msr_relaxed", O_X86, "msr_relaxed", XT_ALL),

	/* documented in xl.cfg(5), not supported by Argon yet */
	IGNORED("init_seclabel", "separate build-time security labels are not supported yet"),
	IGNORED("pci", "PCI passthrough is not supported yet"),
	IGNORED("pci_msitranslate", "PCI passthrough is not supported yet"),
	IGNORED("pci_power_mgmt", "PCI passthrough is not supported yet"),
	IGNORED("pci_permissive", "PCI passthrough is not supported yet"),
	IGNORED("pci_seize", "PCI passthrough is not supported yet"),
	IGNORED("rdm", "PCI passthrough is not supported yet"),
	IGNORED("dtdev", "device tree passthrough is Arm only"),
	IGNORED("ioports", "I/O port passthrough is not supported yet"),
	IGNORED("irqs", "IRQ passthrough is not supported yet"),
	IGNORED("iomem", "I/O memory passthrough is not supported yet"),
	IGNORED("vfb", "virtual framebuffers are not supported yet"),
	IGNORED("vkb", "virtual keyboards are not supported yet"),
	IGNORED("vtpm", "virtual TPMs are not supported yet"),
	IGNORED("p9", "9pfs devices are not supported yet"),
	IGNORED("pvcalls", "PV calls devices are not supported yet"),
	IGNORED("vdispl", "virtual displays are not supported yet"),
	IGNORED("vsnd", "virtual sound devices are not supported yet"),
	IGNORED("channel", "channels are not supported yet"),
	IGNORED("usbctrl", "PV USB is not supported yet"),
	IGNORED("usbdev", "PV USB is not supported yet"),
	IGNORED("virtio", "virtio devices are not supported yet"),
	IGNORED("cpuid", "CPUID policies are not supported yet"),
	IGNORED("vnuma", "virtual NUMA is not supported yet"),
	IGNORED("ms_vm_genid", "VM generation IDs are not supported yet"),
	IGNORED("mca_caps", "MCA capabilities are not supported yet"),
	IGNORED("smbios", "SMBIOS strings are not supported yet"),
	IGNORED("gic_version", "Arm only"),
	IGNORED("vuart", "Arm only"),
	IGNORED("device_model", "xl ignores it too; use device_model_override"),
	IGNORED("vncviewer", "xl ignores it too; use xl create -V"),
	IGNORED("vif2", "netchannel2 is deprecated"),
};

const size_t xk_table_len = ARRAY_SIZE(xk_table);

int xk_find_key(const char *key)
{
	size_t i;

	for (i = 0; i < xk_table_len; i++) {
		if (xk_table[i].key && !strcmp(xk_table[i].key, key)) {
			return (int)i;
		}
	}
	return -1;
}

int xk_find_custom(enum xk_custom c)
{
	size_t i;

	for (i = 0; i < xk_table_len; i++) {
		if (xk_table[i].kind == K_CUSTOM && xk_table[i].custom == c) {
			return (int)i;
		}
	}
	return -1;
}
