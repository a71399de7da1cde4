/*
 * hello: the first guest Argon boots. Touches only xen_version, console_io, sched_op and the
 * start_info page, so it runs as soon as the domain builder, hypercall entry and those three
 * hypercalls exist.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/test.h>

#include <public/sched.h>
#include <public/version.h>

#define ENOSYS 38
#define EFAULT 14
#define EINVAL 22

/* start_info: the magic names the ABI version and platform. */
GUEST_TEST(start_info_magic)
{
	EXPECT(start_info != NULL);
	EXPECT(strncmp(start_info->magic, "xen-3.0-x86_64", 14) == 0);
	EXPECT(strnlen(start_info->magic, sizeof(start_info->magic)) < sizeof(start_info->magic));
	test_note("%s", start_info->magic);
}

/* start_info sits page-aligned inside the initial mapping, after the image. */
GUEST_TEST(start_info_location)
{
	uint64_t va = (uint64_t)(uintptr_t)start_info;

	EXPECT(va % GUEST_PAGE_SIZE == 0);
	EXPECT(va >= (uint64_t)(uintptr_t)_image_end);
	EXPECT(virt_to_pfn(start_info) < start_info->nr_pages);
}

GUEST_TEST(start_info_nr_pages)
{
	uint64_t image_pages = ((uint64_t)(uintptr_t)_image_end - GUEST_VIRT_BASE) / GUEST_PAGE_SIZE;

	EXPECT(start_info->nr_pages > 0);
	EXPECT(start_info->nr_pages > image_pages);
	test_note("%lu pages (%lu KiB)", start_info->nr_pages, start_info->nr_pages * 4);
}

/* The initial L4 is mapped (read-only) in the initial mapping, and maps our own image. */
GUEST_TEST(start_info_pt_base)
{
	const uint64_t *l4 = (const uint64_t *)(uintptr_t)start_info->pt_base;
	uint64_t self = GUEST_VIRT_BASE;

	EXPECT(start_info->pt_base % GUEST_PAGE_SIZE == 0);
	EXPECT(start_info->pt_base > GUEST_VIRT_BASE);
	EXPECT(virt_to_pfn(l4) < start_info->nr_pages);
	EXPECT(start_info->nr_pt_frames >= 4); /* L4, L3, L2, at least one L1 */
	/* L4 slot of the kernel's virtual base: present. */
	EXPECT(l4[(self >> 39) & 511] & 1);
	test_note("L4 at %#lx, %lu table frames", start_info->pt_base, start_info->nr_pt_frames);
}

/* The p2m list covers every page with a valid, distinct-looking machine frame. */
GUEST_TEST(start_info_mfn_list)
{
	const uint64_t *p2m = (const uint64_t *)(uintptr_t)start_info->mfn_list;
	uint64_t n = start_info->nr_pages;

	EXPECT(start_info->mfn_list % 8 == 0);
	EXPECT(start_info->mfn_list >= GUEST_VIRT_BASE);
	for (uint64_t pfn = 0; pfn < n; pfn++) {
		if (p2m[pfn] == 0 || p2m[pfn] == ~0UL || p2m[pfn] >> 40) {
			test_fail(__FILE__, __LINE__, "p2m[%lu] = %#lx", pfn, p2m[pfn]);
			return;
		}
	}
	/* A cheap uniqueness check over the first pages (the full check is quadratic). */
	for (uint64_t i = 0; i < n && i < 64; i++) {
		for (uint64_t j = i + 1; j < n && j < 64; j++) {
			EXPECT(p2m[i] != p2m[j]);
		}
	}
	test_note("p2m at %#lx, pfn 0 -> mfn %#lx", start_info->mfn_list, p2m[0]);
}

GUEST_TEST(start_info_shared_info)
{
	EXPECT(start_info->shared_info != 0);
	EXPECT(start_info->shared_info % GUEST_PAGE_SIZE == 0);
	test_note("shared_info at machine %#lx, flags %#x", start_info->shared_info,
		  start_info->flags);
}

GUEST_TEST(start_info_cmdline)
{
	size_t len = strnlen(start_info->cmd_line, MAX_GUEST_CMDLINE);

	EXPECT(len < MAX_GUEST_CMDLINE);
	test_note("\"%s\"", start_info->cmd_line);
}

/* console_io writes; count 0 is a no-op; a bad buffer is -EFAULT, an unknown command -ENOSYS. */
GUEST_TEST(console_io_write)
{
	static const char msg[] = "hello from the Argon PV test kernel\n";

	EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), 0);
	EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, msg), 0);
}

GUEST_TEST(console_io_bad_buffer)
{
	/* Nothing is mapped at 0x1000 in this kernel; the hypervisor's own range is never ours. */
	EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 16, (const char *)0x1000), -EFAULT);
	EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 16,
					(const char *)(uintptr_t)HYPERVISOR_VIRT_START + 0x100000),
		  -EFAULT);
}

GUEST_TEST(console_io_bad_command)
{
	EXPECT_EQ(HYPERVISOR_console_io(99, 1, "x"), -ENOSYS);
}

/* XENVER_version: (major << 16) | minor; Argon speaks the 4.17 interface. */
GUEST_TEST(xen_version_version)
{
	long v = HYPERVISOR_xen_version(XENVER_version, NULL);

	EXPECT(v > 0);
	EXPECT((v >> 16) >= 4);
	test_note("%ld.%ld", v >> 16, v & 0xffff);
}

/*
 * XENVER_get_features, submap 0: what a 64-bit PV Linux needs, and no HVM-only or never-granted
 * bits.
 */
GUEST_TEST(xen_version_get_features)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	uint32_t must = (1U << XENFEAT_mmu_pt_update_preserve_ad) |
			(1U << XENFEAT_gnttab_map_avail_bits);
	uint32_t never = (1U << XENFEAT_writable_page_tables) |
			 (1U << XENFEAT_writable_descriptor_tables) |
			 (1U << XENFEAT_auto_translated_physmap) |
			 (1U << XENFEAT_supervisor_mode_kernel) |
			 (1U << XENFEAT_hvm_callback_vector) | (1U << XENFEAT_hvm_safe_pvclock) |
			 (1U << XENFEAT_hvm_pirqs);

	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
	EXPECT_EQ(fi.submap & must, must);
	EXPECT_EQ(fi.submap & never, 0);
	test_note("submap 0 = %#x", fi.submap);
}

GUEST_TEST(xen_version_get_features_bad_submap)
{
	struct xen_feature_info fi = { .submap_idx = XENFEAT_NR_SUBMAPS };

	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), -EINVAL);
}

GUEST_TEST(xen_version_strings)
{
	xen_extraversion_t extra;
	xen_capabilities_info_t caps;

	memset(extra, 0xff, sizeof(extra));
	memset(caps, 0xff, sizeof(caps));
	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
	EXPECT(strnlen(extra, sizeof(extra)) < sizeof(extra));
	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_capabilities, caps), 0);
	EXPECT(strnlen(caps, sizeof(caps)) < sizeof(caps));
	EXPECT(strncmp(caps, "xen-3.0-x86_64", 14) == 0);
	test_note("extraversion \"%s\", capabilities \"%s\"", extra, caps);
}

GUEST_TEST(xen_version_platform)
{
	struct xen_platform_parameters pp = { .virt_start = 0 };

	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_platform_parameters, &pp), 0);
	EXPECT_EQ(pp.virt_start, HYPERVISOR_VIRT_START);
}

GUEST_TEST(xen_version_bad)
{
	EXPECT_EQ(HYPERVISOR_xen_version(1000, NULL), -ENOSYS);
	/* An output buffer the guest does not map. */
	EXPECT_EQ(HYPERVISOR_xen_version(XENVER_get_features, (void *)0x1000), -EFAULT);
}

/* The hypervisor filled the hypercall page; a stub and a direct syscall agree. */
GUEST_TEST(hypercall_page_and_syscall)
{
	long via_page, via_syscall;

	EXPECT(hypercall_page[0] != 0xcc);
	hypercall_direct = false;
	via_page = HYPERVISOR_xen_version(XENVER_version, NULL);
	hypercall_direct = true;
	via_syscall = HYPERVISOR_xen_version(XENVER_version, NULL);
	hypercall_direct = false;
	EXPECT(via_page > 0);
	EXPECT_EQ(via_page, via_syscall);
}

/* Numbers with no hypercall answer -ENOSYS, whichever way they are made. */
GUEST_TEST(hypercall_unknown)
{
	hypercall_direct = true;
	EXPECT_EQ(hypercall0(11), -ENOSYS);
	EXPECT_EQ(hypercall0(60), -ENOSYS);
	EXPECT_EQ(hypercall0(1000), -ENOSYS);
	hypercall_direct = false;
	EXPECT_EQ(hypercall0(11), -ENOSYS);
	EXPECT_EQ(hypercall0(60), -ENOSYS);
}

GUEST_TEST(sched_op_yield)
{
	EXPECT_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
}

GUEST_TEST(sched_op_bad)
{
	EXPECT_EQ(HYPERVISOR_sched_op(1000, NULL), -ENOSYS);
	/* shutdown with an unreadable argument must not shut us down. */
	EXPECT_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)0x1000), -EFAULT);
}
