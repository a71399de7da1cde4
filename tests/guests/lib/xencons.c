/* The PV console ring from the guest's side (see guest/xencons.h), modelled on Linux's hvc_xen. */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/xencons.h>

#include <public/sched.h>

struct xencons_interface *xencons;
evtchn_port_t xencons_port;

bool xencons_init(void)
{
	const uint64_t *m2p = (const uint64_t *)MACH2PHYS_VIRT_START;
	uint64_t mfn = start_info->console.domU.mfn;

	if ((start_info->flags & SIF_INITDOMAIN) || !mfn || !start_info->console.domU.evtchn) {
		return false;
	}
	/* The builder maps the ring page in the initial mapping, at its pseudo-physical place. */
	xencons = pfn_to_virt(m2p[mfn]);
	xencons_port = start_info->console.domU.evtchn;
	return true;
}

void xencons_notify(void)
{
	struct evtchn_send send = { .port = xencons_port };

	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

void xencons_write(const char *s, size_t len)
{
	while (len) {
		XENCONS_RING_IDX cons = __atomic_load_n(&xencons->out_cons, __ATOMIC_ACQUIRE);
		XENCONS_RING_IDX prod = xencons->out_prod;
		size_t sent = 0;

		while (sent < len && prod - cons < XENCONS_OUT_SIZE) {
			xencons->out[MASK_XENCONS_IDX(prod++, xencons->out)] = s[sent++];
		}
		__atomic_store_n(&xencons->out_prod, prod, __ATOMIC_RELEASE);
		xencons_notify();
		if (!sent) {
			/* Full: the backend drains on the notification; give it the CPU meanwhile. */
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		}
		s += sent;
		len -= sent;
	}
}

size_t xencons_read(char *buf, size_t n)
{
	XENCONS_RING_IDX cons = xencons->in_cons;
	XENCONS_RING_IDX prod = __atomic_load_n(&xencons->in_prod, __ATOMIC_ACQUIRE);
	size_t got = 0;

	while (got < n && cons != prod) {
		buf[got++] = xencons->in[MASK_XENCONS_IDX(cons++, xencons->in)];
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	xencons->in_cons = cons;
	if (got) {
		xencons_notify();
	}
	return got;
}
