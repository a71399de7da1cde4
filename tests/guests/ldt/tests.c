/*
 * ldt: MMUEXT_SET_LDT installs a guest LDT: its pages must be mapped read-only and hold only
 * ring-3 code/data descriptors; selectors with the table bit then load from it. Clearing it makes
 * those selectors fault again, and the pages stay read-only while installed.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/traps.h>

#include <public/xen.h>

#define EINVAL 22
#define LDT_DATA_SELECTOR 0x0f	/* index 1, table bit, RPL 3 */

static uint64_t ldt[512] __attribute__((aligned(4096)));
static uint64_t bad_ldt[512] __attribute__((aligned(4096)));
static volatile unsigned int gp_count;

static long set_ldt(const void *base, unsigned int ents)
{
	struct mmuext_op op;

	memset(&op, 0, sizeof(op));
	op.cmd = MMUEXT_SET_LDT;
	op.arg1.linear_addr = (uint64_t)(uintptr_t)base;
	op.arg2.nr_ents = ents;
	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* `mov %ax, %es` is two bytes: skip it after a #GP. */
static bool skip_gp(struct trap_frame *f)
{
	gp_count++;
	f->rip += 2;
	return true;
}

static void load_es(uint16_t sel)
{
	__asm__ __volatile__("mov %0, %%ax; mov %%ax, %%es" : : "r"(sel) : "rax");
}

GUEST_TEST(a_install_and_use)
{
	unsigned int before;

	EXPECT(traps_init() == 0);
	trap_set_handler(13, skip_gp);
	ldt[1] = 0x00cff3000000ffffULL;	/* flat data, DPL 3 */
	EXPECT(set_page_rw(ldt, false) == 0);
	EXPECT(set_ldt(ldt, 2) == 0);
	before = gp_count;
	load_es(LDT_DATA_SELECTOR);
	EXPECT(gp_count == before);
	load_es(0);
	/* Installed, the page cannot become writable again. */
	EXPECT(set_page_rw(ldt, true) < 0);
}

GUEST_TEST(b_refusals)
{
	bad_ldt[0] = 0x0000ec0000080000ULL;	/* a call gate, DPL 3: never allowed */
	/* Still writable: refused. */
	EXPECT(set_ldt(bad_ldt, 1) == -EINVAL);
	EXPECT(set_page_rw(bad_ldt, false) == 0);
	/* Read-only now, but holding a gate: refused. */
	EXPECT(set_ldt(bad_ldt, 1) == -EINVAL);
	EXPECT(set_ldt(ldt, 8193) == -EINVAL);
	EXPECT(set_ldt((uint8_t *)ldt + 8, 1) == -EINVAL);
	/* The refusals left the installed LDT alone. */
	load_es(LDT_DATA_SELECTOR);
	load_es(0);
}

GUEST_TEST(c_cleared)
{
	unsigned int before;

	EXPECT(set_ldt(NULL, 0) == 0);
	before = gp_count;
	load_es(LDT_DATA_SELECTOR);
	EXPECT(gp_count == before + 1);
	/* Uninstalled, its page may be writable again. */
	EXPECT(set_page_rw(ldt, true) == 0);
	trap_set_handler(13, NULL);
}
