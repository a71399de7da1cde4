/*
 * The PV console ring for HVM and PVH domains: the same ring Argon serves for PV domUs
 * (docs/design/console.md), at a GFN above RAM that HVM_PARAM_CONSOLE_PFN names, with its event
 * channel in HVM_PARAM_CONSOLE_EVTCHN — what Linux's hvc_xen looks for in an HVM guest. The GFN
 * is Xen's console special page, outside the E820 RAM, since Linux maps it with ioremap. The frame
 * is the hypervisor's (like shared_info it is not part of the domain's reservation) and is freed
 * after the domain.
 */
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/guest_console.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <asm/hvm/hvm.h>
#include <public/hvm/params.h>

/* Xen's special pages end at GFN 0xff000; the console is the fifth of eight. */
#define HVM_CONSOLE_GFN (0xff000 - 8 + 4)

int hvm_console_init(struct domain *d)
{
	struct hvm_domain *h = d->arch.hvm;
	evtchn_port_t port;
	mfn_t m;
	int rc;

	rc = heap_alloc(&sys_heap, 0, DOMID_XEN, &m);
	if (rc) {
		return rc;
	}
	clear_page(arch_mfn_to_virt(m));
	h->console_ring = m;
	rc = hvm_p2m_set(d, HVM_CONSOLE_GFN, m);
	if (!rc) {
		rc = console_ring_attach(d, m, &port);
	}
	if (rc) {
		return rc;	/* the frame goes with hvm_console_free() */
	}
	h->params[HVM_PARAM_CONSOLE_PFN] = HVM_CONSOLE_GFN;
	h->params[HVM_PARAM_CONSOLE_EVTCHN] = port;
	return 0;
}

void hvm_console_free(mfn_t ring)
{
	if (mfn_x(ring)) {
		clear_page(arch_mfn_to_virt(ring));
		heap_free(&sys_heap, ring, 0);
	}
}
