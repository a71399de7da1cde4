/* Trap table, callback registration and the default "report and crash" trap handling. */
#include <guest/fault.h>
#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/traps.h>

#include <public/callback.h>

#define NR_TRAP_VECTORS 20

extern char trap_entry_0[], trap_entry_1[], trap_entry_2[], trap_entry_3[], trap_entry_4[],
	trap_entry_5[], trap_entry_6[], trap_entry_7[], trap_entry_8[], trap_entry_9[],
	trap_entry_10[], trap_entry_11[], trap_entry_12[], trap_entry_13[], trap_entry_14[],
	trap_entry_15[], trap_entry_16[], trap_entry_17[], trap_entry_18[], trap_entry_19[];

static char *const trap_entries[NR_TRAP_VECTORS] = {
	trap_entry_0,  trap_entry_1,  trap_entry_2,  trap_entry_3,  trap_entry_4,
	trap_entry_5,  trap_entry_6,  trap_entry_7,  trap_entry_8,  trap_entry_9,
	trap_entry_10, trap_entry_11, trap_entry_12, trap_entry_13, trap_entry_14,
	trap_entry_15, trap_entry_16, trap_entry_17, trap_entry_18, trap_entry_19,
};

static const char *const trap_names[NR_TRAP_VECTORS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO",
	"#TS", "#NP", "#SS", "#GP", "#PF", "RSV", "#MF", "#AC", "#MC", "#XM",
};

/* One table entry per vector plus the terminating entry (address 0). */
static struct trap_info trap_table[NR_TRAP_VECTORS + 1];
static trap_handler_t handlers[TRAP_FAILSAFE_CALLBACK + 1];

long traps_init(void)
{
	for (unsigned int v = 0; v < NR_TRAP_VECTORS; v++) {
		trap_table[v].vector = (uint8_t)v;
		/* int3 and into may be raised from any privilege, as on native. */
		trap_table[v].flags = (v == 3 || v == 4) ? 3 : 0;
		trap_table[v].cs = FLAT_KERNEL_CS;
		trap_table[v].address = (uint64_t)(uintptr_t)trap_entries[v];
	}
	return HYPERVISOR_set_trap_table(trap_table);
}

void trap_set_handler(unsigned int vector, trap_handler_t handler)
{
	if (vector <= TRAP_FAILSAFE_CALLBACK) {
		handlers[vector] = handler;
	}
}

long callbacks_register(void)
{
	struct callback_register event = {
		.type = CALLBACKTYPE_event,
		.flags = CALLBACKF_mask_events,
		.address = (uint64_t)(uintptr_t)hypervisor_callback,
	};
	struct callback_register failsafe = {
		.type = CALLBACKTYPE_failsafe,
		.flags = CALLBACKF_mask_events,
		.address = (uint64_t)(uintptr_t)failsafe_callback,
	};
	long rc = HYPERVISOR_callback_op(CALLBACKOP_register, &event);

	if (rc) {
		return rc;
	}
	return HYPERVISOR_callback_op(CALLBACKOP_register, &failsafe);
}

static void dump_frame(const struct trap_frame *f)
{
	printk("  rip %016lx cs %04lx (mask %lu) rflags %016lx rsp %016lx ss %04lx\n", f->rip,
	       f->cs & 0xffff, (f->cs >> 32) & 0xff, f->rflags, f->rsp, f->ss & 0xffff);
	printk("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	printk("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	printk("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
	printk("  r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
	if (f->vector == 14 && shared_info) {
		printk("  cr2 %016lx\n", shared_info->vcpu_info[0].arch.cr2);
	}
}

extern const struct extable_entry _extable_start[], _extable_end[];

volatile struct trap_record trap_log[TRAP_LOG_SIZE];
volatile uint64_t trap_count;

/* An expected fault: record it and resume at the fixup address. */
static bool extable_fixup(struct trap_frame *f)
{
	for (const struct extable_entry *e = _extable_start; e < _extable_end; e++) {
		if (e->from != f->rip) {
			continue;
		}
		volatile struct trap_record *r = &trap_log[trap_count % TRAP_LOG_SIZE];

		r->vector = f->vector;
		r->error_code = f->error_code;
		r->rip = f->rip;
		r->cs = f->cs;
		r->rflags = f->rflags;
		r->rsp = f->rsp;
		r->ss = f->ss;
		r->cr2 = f->vector == 14 && shared_info ? shared_info->vcpu_info[0].arch.cr2 : 0;
		trap_count++;
		f->rip = e->to;
		return true;
	}
	return false;
}

void trap_dispatch(struct trap_frame *frame)
{
	uint64_t v = frame->vector;

	if (v <= TRAP_FAILSAFE_CALLBACK && handlers[v] && handlers[v](frame)) {
		return;
	}
	if (v < 256 && extable_fixup(frame)) {
		return;
	}
	if (v == TRAP_EVENT_CALLBACK) {
		/*
		 * Nobody handles events: acknowledge the upcall so returning (which restores the
		 * interrupted, unmasked state) does not deliver it again at once. Port bits stay
		 * pending for a later handler.
		 */
		if (shared_info) {
			shared_info->vcpu_info[0].evtchn_upcall_pending = 0;
			__atomic_exchange_n(&shared_info->vcpu_info[0].evtchn_pending_sel, 0,
					    __ATOMIC_SEQ_CST);
		}
		return;
	}
	printk("guest: unhandled %s (vector %lu) error code %#lx\n",
	       v < NR_TRAP_VECTORS ? trap_names[v] :
	       v == TRAP_FAILSAFE_CALLBACK ? "failsafe callback" : "trap",
	       v, frame->error_code);
	dump_frame(frame);
	guest_panic("unhandled trap");
}
