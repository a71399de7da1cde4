/*
 * Exceptions and interrupts taken in hypervisor context. Any exception here is a hypervisor bug
 * (there are no guests yet), so it is reported in full and the machine panics; NMIs and device
 * interrupts are dispatched and return.
 */
#include <argon/arch.h>
#include <argon/console.h>
#include <asm/cpu.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/traps.h>

static irq_handler_t irq_handlers[256];
static void (*nmi_hook)(struct cpu_regs *regs);

static const char *const exception_names[32] = {
	[X86_EXC_DE] = "divide error",
	[X86_EXC_DB] = "debug",
	[X86_EXC_NMI] = "non-maskable interrupt",
	[X86_EXC_BP] = "breakpoint",
	[X86_EXC_OF] = "overflow",
	[X86_EXC_BR] = "bound range exceeded",
	[X86_EXC_UD] = "invalid opcode",
	[X86_EXC_NM] = "device not available",
	[X86_EXC_DF] = "double fault",
	[9] = "coprocessor segment overrun",
	[X86_EXC_TS] = "invalid TSS",
	[X86_EXC_NP] = "segment not present",
	[X86_EXC_SS] = "stack-segment fault",
	[X86_EXC_GP] = "general protection fault",
	[X86_EXC_PF] = "page fault",
	[X86_EXC_MF] = "x87 floating-point error",
	[X86_EXC_AC] = "alignment check",
	[X86_EXC_MC] = "machine check",
	[X86_EXC_XM] = "SIMD floating-point error",
	[X86_EXC_VE] = "virtualization exception",
	[X86_EXC_CP] = "control protection",
	[X86_EXC_HV] = "hypervisor injection",
	[X86_EXC_VC] = "VMM communication",
	[X86_EXC_SX] = "security exception",
};

void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
	if (vector >= 32 && vector < 256) {
		irq_handlers[vector] = fn;
	}
}

void set_nmi_hook(void (*fn)(struct cpu_regs *regs))
{
	nmi_hook = fn;
}

/* A frame pointer is followed only while it stays inside one of this CPU's stacks. */
static bool on_cpu_stack(const struct percpu *pc, uint64_t p)
{
	unsigned int i;

	if (p & 7) {
		return false;
	}
	if (p >= pc->stack_block + STACK_MAIN_OFFSET && p + 16 <= (uint64_t)pc->info) {
		return true;
	}
	for (i = 1; i <= NR_IST_STACKS; i++) {
		uint64_t lo = ist_stack_base(pc->stack_block, i);

		if (p >= lo && p + 16 <= lo + IST_STACK_SIZE) {
			return true;
		}
	}
	return false;
}

extern char __image_start[], __text_end[];

static bool is_text(uint64_t p)
{
	return p >= (uint64_t)__image_start && p < (uint64_t)__text_end;
}

static void show_trace(uint64_t rip, uint64_t rsp, uint64_t rbp)
{
	const struct percpu *pc = this_cpu();
	uint64_t last = 0, repeats = 0;
	int depth;

	log_err("Call trace:\n");
	log_err("   [<%016llx>] (faulting instruction)\n", (unsigned long long)rip);
	/*
	 * gcc builds leaf functions without a frame even with -fno-omit-frame-pointer, so the frame
	 * chain skips a leaf's caller; its return address is then on top of the stack. Show it marked
	 * as a guess, as the stack top may hold anything.
	 */
	if (rsp && on_cpu_stack(pc, rsp) && is_text(*(const uint64_t *)rsp) &&
	    !(on_cpu_stack(pc, rbp) && ((const uint64_t *)rbp)[1] == *(const uint64_t *)rsp)) {
		log_err("   [<%016llx>] ? (return address on the stack top)\n",
			(unsigned long long)*(const uint64_t *)rsp);
	}
	/* Deep recursion (the usual cause of a stack overflow) is shown once with a count. */
	for (depth = 0; depth < 4096 && on_cpu_stack(pc, rbp); depth++) {
		const uint64_t *frame = (const uint64_t *)rbp;

		if (!frame[1]) {
			break;
		}
		if (frame[1] == last) {
			repeats++;
		} else {
			if (repeats) {
				log_err("   ... previous frame repeated %llu more times\n",
					(unsigned long long)repeats);
			}
			log_err("   [<%016llx>]\n", (unsigned long long)frame[1]);
			last = frame[1];
			repeats = 0;
		}
		if (frame[0] <= rbp) {
			break;	/* frames must move up the stack; anything else is corruption */
		}
		rbp = frame[0];
	}
	if (repeats) {
		log_err("   ... previous frame repeated %llu more times\n", (unsigned long long)repeats);
	}
}

void arch_backtrace_here(void)
{
	show_trace((uint64_t)__builtin_return_address(0), 0, (uint64_t)__builtin_frame_address(0));
}

void show_registers(const struct cpu_regs *r)
{
	uint16_t ds, es, fs, gs;

	__asm__ __volatile__("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
			     : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
	log_err("----[ Argon-%s  x86_64 ]----\n", ARGON_VERSION);
	log_err("CPU:    %u\n", arch_cpu_id());
	log_err("RIP:    %04llx:[<%016llx>]\n", (unsigned long long)r->cs, (unsigned long long)r->rip);
	log_err("RFLAGS: %016llx   CONTEXT: hypervisor\n", (unsigned long long)r->rflags);
	log_err("rax: %016llx   rbx: %016llx   rcx: %016llx\n", (unsigned long long)r->rax,
		(unsigned long long)r->rbx, (unsigned long long)r->rcx);
	log_err("rdx: %016llx   rsi: %016llx   rdi: %016llx\n", (unsigned long long)r->rdx,
		(unsigned long long)r->rsi, (unsigned long long)r->rdi);
	log_err("rbp: %016llx   rsp: %016llx   r8:  %016llx\n", (unsigned long long)r->rbp,
		(unsigned long long)r->rsp, (unsigned long long)r->r8);
	log_err("r9:  %016llx   r10: %016llx   r11: %016llx\n", (unsigned long long)r->r9,
		(unsigned long long)r->r10, (unsigned long long)r->r11);
	log_err("r12: %016llx   r13: %016llx   r14: %016llx\n", (unsigned long long)r->r12,
		(unsigned long long)r->r13, (unsigned long long)r->r14);
	log_err("r15: %016llx   cr0: %016llx   cr4: %016llx\n", (unsigned long long)r->r15,
		(unsigned long long)read_cr0(), (unsigned long long)read_cr4());
	log_err("cr3: %016llx   cr2: %016llx\n", (unsigned long long)read_cr3(),
		(unsigned long long)read_cr2());
	log_err("ds: %04x   es: %04x   fs: %04x   gs: %04x   ss: %04llx   cs: %04llx\n", ds, es, fs,
		gs, (unsigned long long)r->ss, (unsigned long long)r->cs);
	show_trace(r->rip, r->rsp, r->rbp);
}

static __noreturn void fatal_trap(const struct cpu_regs *regs)
{
	unsigned int vec = (unsigned int)regs->vector;
	const char *name = vec < 32 && exception_names[vec] ? exception_names[vec] : "reserved";

	show_registers(regs);
	if (vec == X86_EXC_PF) {
		uint64_t ec = regs->error_code;

		log_err("Faulting linear address: %016llx\n", (unsigned long long)read_cr2());
		log_err("Page fault: %s, %s, %s%s%s\n", ec & 1 ? "protection violation" : "not present",
			ec & 2 ? "write" : "read", ec & 4 ? "user" : "supervisor",
			ec & 8 ? ", reserved bit" : "", ec & 16 ? ", instruction fetch" : "");
	}
	panic("FATAL TRAP: vector = %u (%s), error code = 0x%04llx", vec, name,
	      (unsigned long long)regs->error_code);
}

struct ex_entry {
	uint64_t insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

uint64_t search_extable(uint64_t rip)
{
	const struct ex_entry *e;

	for (e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == rip) {
			return e->fixup;
		}
	}
	return 0;
}

void do_trap(struct cpu_regs *regs)
{
	unsigned int vec = (unsigned int)regs->vector;
	uint64_t fixup;

	if (regs_from_guest(regs)) {
		if (vec >= 32 && vec < 256) {
			/* A device interrupt while the guest ran: handle it like any other. */
			if (irq_handlers[vec]) {
				irq_handlers[vec](regs);
			}
		} else if (vec == X86_EXC_NMI) {
			this_cpu()->nmi_count++;
		} else {
			pv_do_guest_trap(regs);
		}
		pv_return_to_guest_work(regs);
		return;
	}
	/*
	 * A fault on a guest access in hypervisor code (a copy, or loading a guest selector, which
	 * raises #NP for a not-present descriptor): resume at its fixup.
	 */
	if ((vec == X86_EXC_PF || vec == X86_EXC_GP || vec == X86_EXC_NP) &&
	    (fixup = search_extable(regs->rip))) {
		regs->rip = fixup;
		return;
	}

	if (vec == X86_EXC_NMI) {
		this_cpu()->nmi_count++;
		if (nmi_hook) {
			nmi_hook(regs);
		}
		return;
	}
	if (vec < 32) {
		fatal_trap(regs);
	}
	if (irq_handlers[vec]) {
		irq_handlers[vec](regs);
		return;
	}
	if (vec == APIC_SPURIOUS_VECTOR) {
		return;	/* spurious interrupts need no EOI (SDM vol. 3, 11.9) */
	}
	log_warn("unexpected interrupt on vector %#x\n", vec);
}
