/* xen_version: the version and feature queries every PV guest makes first. */
#include <argon/cmdline.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <asm/layout.h>
#include <public/features.h>
#include <public/version.h>

/* Argon speaks the interface of Xen 4.17. */
#define XEN_MAJOR 4
#define XEN_MINOR 17

/*
 * Features granted to PV guests (XENFEAT_*): what Argon's PV MMU and grant tables implement, and
 * never the HVM-only ones. The initial domain also learns that it is dom0.
 */
static uint32_t pv_features(const struct domain *d)
{
	uint32_t f = (1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_mmu_pt_update_preserve_ad) |
		     (1u << XENFEAT_highmem_assist) | (1u << XENFEAT_gnttab_map_avail_bits);

	if (d->is_privileged) {
		f |= 1u << XENFEAT_dom0;
	}
	return f;
}

static long put_string(uint64_t dst, const char *s, size_t size)
{
	char buf[1024];

	memset(buf, 0, size);
	strlcpy(buf, s, size);
	return copy_to_guest(dst, buf, size) ? -EFAULT : 0;
}

long do_xen_version(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct domain *d = current_vcpu()->domain;

	switch (cmd) {
	case XENVER_version:
		return (XEN_MAJOR << 16) | XEN_MINOR;
	case XENVER_extraversion:
		return put_string(arg, "-argon", sizeof(xen_extraversion_t));
	case XENVER_compile_info: {
		struct xen_compile_info ci;

		memset(&ci, 0, sizeof(ci));
		strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
		strlcpy(ci.compile_by, "argon", sizeof(ci.compile_by));
		strlcpy(ci.compile_domain, "argon", sizeof(ci.compile_domain));
		strlcpy(ci.compile_date, ARGON_VERSION, sizeof(ci.compile_date));
		return copy_to_guest(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
	}
	case XENVER_capabilities:
		return put_string(arg, "xen-3.0-x86_64 ", sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return put_string(arg, "argon-" ARGON_VERSION, sizeof(xen_changeset_info_t));
	case XENVER_platform_parameters: {
		struct xen_platform_parameters pp = { .virt_start = HYPERVISOR_VIRT_START };

		return copy_to_guest(arg, &pp, sizeof(pp)) ? -EFAULT : 0;
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;

		if (copy_from_guest(&fi, arg, sizeof(fi))) {
			return -EFAULT;
		}
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS) {
			return -EINVAL;
		}
		fi.submap = pv_features(d);
		return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return 4096;
	case XENVER_guest_handle: {
		uint8_t handle[16] = { 0 };

		/* Boot-time domains have no toolstack UUID: the handle is all zeroes. */
		return copy_to_guest(arg, handle, sizeof(handle)) ? -EFAULT : 0;
	}
	case XENVER_commandline:
		if (!d->is_privileged) {
			return -EPERM;
		}
		return put_string(arg, argon_cmdline, sizeof(xen_commandline_t));
	default:
		return -ENOSYS;
	}
}
