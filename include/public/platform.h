/* SPDX-License-Identifier: MIT */
/*
 * platform_op (hypercall 7): platform_op(struct xen_platform_op *), for the hardware domain
 * only. Argon describes the commands Linux dom0 issues at boot; it may answer any of them with
 * -ENOSYS, which Linux tolerates.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_PLATFORM_H
#define ARGON_PUBLIC_PLATFORM_H

#include "xen.h"

/* xen_platform_op.interface_version must hold this. */
#define XENPF_INTERFACE_VERSION 0x03000001

#define XENPF_settime32 17
#define XENPF_add_memtype 31
#define XENPF_del_memtype 32
#define XENPF_read_memtype 33
#define XENPF_microcode_update 35
#define XENPF_platform_quirk 39
#define XENPF_get_cpu_version 48 /* struct xenpf_pcpu_version */
#define XENPF_efi_runtime_call 49
#define XENPF_firmware_info 50
#define XENPF_enter_acpi_sleep 51
#define XENPF_change_freq 52
#define XENPF_getidletime 53
#define XENPF_set_processor_pminfo 54
#define XENPF_get_cpuinfo 55 /* struct xenpf_pcpuinfo */
#define XENPF_cpu_online 56  /* struct xenpf_cpu_ol */
#define XENPF_cpu_offline 57 /* struct xenpf_cpu_ol */
#define XENPF_cpu_hotadd 58
#define XENPF_mem_hotadd 59
#define XENPF_core_parking 60
#define XENPF_resource_op 61
#define XENPF_settime64 62 /* struct xenpf_settime64 */
#define XENPF_get_symbol 63
#define XENPF_settime XENPF_settime64

/* xenpf_firmware_info.type. */
#define XEN_FW_DISK_INFO 1
#define XEN_FW_DISK_MBR_SIGNATURE 2
#define XEN_FW_VBEDDC_INFO 3
#define XEN_FW_EFI_INFO 4
#define XEN_FW_KBD_SHIFT_FLAGS 5

/* set_processor_pminfo types. */
#define XEN_PROCESSOR_PM_CX 1
#define XEN_PROCESSOR_PM_PX 2

/* xenpf_pcpuinfo.flags. */
#define XEN_PCPU_FLAGS_ONLINE 1
#define XEN_PCPU_FLAGS_INVALID 2

#ifndef __ASSEMBLER__

/* Set the wallclock: secs.nsecs was the time at system time system_time. */
struct xenpf_settime32 {
	uint32_t secs;
	uint32_t nsecs;
	uint64_t system_time;
};

struct xenpf_settime64 {
	uint64_t secs;
	uint32_t nsecs;
	uint32_t mbz; /* must be zero */
	uint64_t system_time;
};

/* Physical CPU xen_cpuid (IN); the rest OUT. */
struct xenpf_pcpuinfo {
	uint32_t xen_cpuid;
	uint32_t max_present;
	uint32_t flags; /* XEN_PCPU_FLAGS_* */
	uint32_t apic_id;
	uint32_t acpi_id;
};

struct xenpf_pcpu_version {
	uint32_t xen_cpuid;
	uint32_t max_present;
	char vendor_id[12];
	uint32_t family;
	uint32_t model;
	uint32_t stepping;
};

struct xenpf_cpu_ol {
	uint32_t cpuid;
};

/* The argument: command, interface version and a 128-byte union of the command structures. */
struct xen_platform_op {
	uint32_t cmd; /* XENPF_* */
	uint32_t interface_version; /* XENPF_INTERFACE_VERSION */
	union {
		struct xenpf_settime32 settime32;
		struct xenpf_settime64 settime64;
		struct xenpf_pcpuinfo pcpu_info;
		struct xenpf_pcpu_version pcpu_version;
		struct xenpf_cpu_ol cpu_ol;
		uint8_t pad[128];
	} u;
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_PLATFORM_H */
