/*
 * smp: a second vCPU, brought up the way Linux brings up its APs (arch/x86/xen/smp_pv.c):
 * VCPUOP_initialise with a vcpu_guest_context (its own stack, trap table, GDT page with RPL-0
 * selectors that Argon fixes up, FPU image, FS/GS bases, callbacks; the same page tables), then
 * VCPUOP_up. The domain must be started with vcpus=2.
 *
 * Tests run in name order and build on each other: the refusals come first (vCPU 1 is still
 * never initialised after each), then the bring-up, then what the two vCPUs do together: both
 * advance counters, IPIs wake a vCPU blocked in SCHEDOP_block, VIRQ_TIMER per vCPU, per-vCPU
 * pvclock, runstate areas, segment bases, FPU state and trap tables, and down/up cycles. The
 * kernel ends with vCPU 1 still running; the domain must be torn down cleanly around it.
 *
 * vCPU 1 runs v1_main(): it counts, checks its own state on every round, and carries out the
 * command vCPU 0 puts in v1.cmd. vCPU 0 waits for it with SCHEDOP_yield (one physical CPU).
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/pvclock.h>
#include <guest/test.h>
#include <guest/traps.h>

#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

#define ENOENT 2
#define EFAULT 14
#define EEXIST 17
#define EINVAL 22

#define NR_PORTS       4096
#define V1_INT3_VECTOR 200

/* Per-vCPU data found through the GS base each vCPU was given. */
struct pcpu {
	uint64_t id;
	uint64_t pad[7];
};
static struct pcpu percpu[2] __attribute__((aligned(64))) = {{.id = 0}, {.id = 1}};
/* What each vCPU's FS base points at. */
static uint64_t fsmark[2] = {0xf5000, 0xf5001};

static unsigned int cpu_id(void)
{
	uint64_t id;

	__asm__ __volatile__("mov %%gs:0, %0" : "=r"(id));
	return (unsigned int)id;
}

static uint64_t fs_word(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void xmm0_set(uint64_t v)
{
	__asm__ __volatile__("movq %0, %%xmm0" : : "r"(v));
}

static uint64_t xmm0_get(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%xmm0, %0" : "=r"(v));
	return v;
}

static uint64_t now_ns(void)
{
	return pvclock_ns(&shared_info->vcpu_info[cpu_id()].time);
}

/* ---- Events, per vCPU ---- */

static volatile uint32_t port_cpu[NR_PORTS]; /* the vCPU each port is bound to */
static volatile uint32_t fired[2][NR_PORTS]; /* deliveries per vCPU and port */
static volatile uint64_t upcalls[2];

/* The event callback on either vCPU: its own vcpu_info, and only ports bound to it (as Linux). */
static bool on_event(struct trap_frame *f)
{
	unsigned int c = cpu_id();
	struct vcpu_info *vi = &shared_info->vcpu_info[c];
	uint64_t sel;

	upcalls[c]++;
	vi->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = (unsigned int)__builtin_ctzl(sel);
		uint64_t pend;

		sel &= sel - 1;
		pend = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
		while (pend) {
			unsigned int b = (unsigned int)__builtin_ctzl(pend), port = w * 64 + b;

			pend &= pend - 1;
			if (port_cpu[port] != c) {
				continue;
			}
			__atomic_fetch_and(&shared_info->evtchn_pending[w], ~(1UL << b),
					   __ATOMIC_SEQ_CST);
			fired[c][port]++;
		}
	}
	return true;
}

static long bind_ipi(unsigned int vcpu, uint32_t *port)
{
	struct evtchn_bind_ipi b = {.vcpu = vcpu};
	long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);

	if (!rc) {
		port_cpu[b.port] = vcpu;
		*port = b.port;
	}
	return rc;
}

static long send(uint32_t port)
{
	struct evtchn_send s = {.port = port};

	return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* ---- vCPU 1 ---- */

enum v1_cmd {
	CMD_NONE,
	CMD_BLOCK,    /* SCHEDOP_block until an event */
	CMD_DOWN,     /* VCPUOP_down on itself; count the return after VCPUOP_up */
	CMD_INT3,     /* int3 through its own trap table */
	CMD_TIMER,    /* singleshot timer 2 ms ahead, then block until it fires */
	CMD_PVCLOCK,  /* read its own pvclock */
	CMD_SEND,     /* EVTCHNOP_send(arg) */
	CMD_RUNSTATE, /* read its own runstate area */
	CMD_SEGS,     /* load the selectors packed in arg (segs()) and keep checking them */
};

static struct {
	volatile uint64_t cmd, arg, seq, done;
	volatile uint64_t counter;
	volatile uint64_t resumed; /* returns from VCPUOP_down */
	volatile uint64_t int3s;
	volatile uint64_t bad_state; /* a round found FS, GS or xmm0 not its own */
	volatile int64_t rc;
	volatile uint64_t value;
	volatile uint64_t entry_rdi;
	volatile uint64_t segs_want; /* the selectors it must see (after CMD_SEGS) */
	volatile uint64_t bad_segs;  /* rounds that found other selectors */
	volatile uint64_t failsafes, failsafe_sels;
} v1;

uint64_t v1_entry_cs, v1_entry_ss, v1_entry_ds, v1_entry_es;
uint32_t v1_entry_mxcsr;
static uint8_t v1_stack[16384] __attribute__((aligned(16)));
static struct vcpu_runstate_info v1_runstate;

void v1_start(void);
void v1_int3_entry(void);
__attribute__((noreturn)) void v1_main(uint64_t arg);

/* ---- Data segment selectors ---- */

/* %ds, %es, %fs, %gs packed 16 bits each, DS lowest (the failsafe error code's layout). */
static uint64_t segs(uint16_t ds, uint16_t es, uint16_t fs, uint16_t gs)
{
	return ds | ((uint64_t)es << 16) | ((uint64_t)fs << 32) | ((uint64_t)gs << 48);
}

static uint64_t read_segs(void)
{
	uint16_t ds, es, fs, gs;

	__asm__ __volatile__("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
			     : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
	return segs(ds, es, fs, gs);
}

/*
 * Load the packed selectors on this vCPU as a PV kernel does: %ds, %es and %fs directly (then
 * this vCPU's FS base again over the descriptor's), the user %gs through set_segment_base.
 */
static void load_segs(uint64_t packed)
{
	uint16_t ds = (uint16_t)packed, es = (uint16_t)(packed >> 16), fs = (uint16_t)(packed >> 32);

	__asm__ __volatile__("mov %0, %%ds; mov %1, %%es; mov %2, %%fs"
			     :
			     : "r"(ds), "r"(es), "r"(fs)
			     : "memory");
	HYPERVISOR_set_segment_base(SEGBASE_FS, (uint64_t)(uintptr_t)&fsmark[cpu_id()]);
	HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, packed >> 48);
}

/* The failsafe callback on vCPU 1: note it, and go on with what is loaded (Linux's retry). */
static bool on_failsafe(struct trap_frame *f)
{
	if (cpu_id() != 1) {
		return false;
	}
	v1.failsafes++;
	v1.failsafe_sels = f->error_code;
	v1.segs_want = read_segs();
	return true;
}

static bool on_v1_int3(struct trap_frame *f)
{
	v1.int3s++;
	return true;
}

void v1_main(uint64_t arg)
{
	v1.entry_rdi = arg;
	v1.segs_want = read_segs();
	xmm0_set(0x2222222222222222ULL);
	for (;;) {
		uint64_t cmd = v1.cmd, seq = v1.seq;

		if (cpu_id() != 1 || fs_word() != fsmark[1] ||
		    xmm0_get() != 0x2222222222222222ULL) {
			v1.bad_state++;
		}
		if (read_segs() != v1.segs_want) {
			v1.bad_segs++;
		}
		v1.counter++;
		if (cmd == CMD_NONE || v1.done == seq) {
			continue;
		}
		switch (cmd) {
		case CMD_BLOCK:
			v1.rc = HYPERVISOR_sched_op(SCHEDOP_block, NULL);
			break;
		case CMD_DOWN:
			v1.rc = HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
			v1.resumed++;
			break;
		case CMD_INT3:
			__asm__ __volatile__("int3");
			v1.rc = 0;
			break;
		case CMD_TIMER: {
			struct vcpu_set_singleshot_timer t = {
			    .timeout_abs_ns = now_ns() + 2000000,
			};

			v1.rc = HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t);
			if (!v1.rc) {
				v1.rc = HYPERVISOR_sched_op(SCHEDOP_block, NULL);
			}
			break;
		}
		case CMD_PVCLOCK:
			v1.value = now_ns();
			v1.rc = 0;
			break;
		case CMD_SEND:
			v1.rc = send((uint32_t)v1.arg);
			break;
		case CMD_RUNSTATE:
			v1.value = READ_ONCE(v1_runstate.state);
			v1.rc = 0;
			break;
		case CMD_SEGS:
			load_segs(v1.arg);
			v1.segs_want = read_segs();
			v1.rc = v1.segs_want == v1.arg ? 0 : -1;
			break;
		}
		v1.cmd = CMD_NONE;
		v1.done = seq;
	}
}

/* ---- vCPU 0's side ---- */

static long vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
	return HYPERVISOR_vcpu_op(cmd, vcpu, arg);
}

static void yield(void)
{
	HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/* Yield to vCPU 1 until *@p reaches @want, for at most 2 s of system time. */
static bool wait_for(volatile uint64_t *p, uint64_t want)
{
	uint64_t end = now_ns() + 2000000000ULL;

	while (*p < want) {
		if (now_ns() > end) {
			return false;
		}
		yield();
	}
	return true;
}

static bool wait_runstate(unsigned int vcpu, int state)
{
	uint64_t end = now_ns() + 2000000000ULL;
	struct vcpu_runstate_info r;

	for (;;) {
		if (!vcpu_op(VCPUOP_get_runstate_info, vcpu, &r) && r.state == state) {
			return true;
		}
		if (now_ns() > end) {
			return false;
		}
		yield();
	}
}

static uint64_t cmd_seq;

/* Post @cmd to vCPU 1 (without waiting). */
static uint64_t post(enum v1_cmd cmd, uint64_t arg)
{
	v1.arg = arg;
	v1.seq = ++cmd_seq;
	__asm__ __volatile__("" ::: "memory");
	v1.cmd = cmd;
	return cmd_seq;
}

/* Have vCPU 1 carry out @cmd; false if it did not within 2 s. */
static bool run(enum v1_cmd cmd, uint64_t arg)
{
	return wait_for(&v1.done, post(cmd, arg));
}

static uint8_t *v1_gdt, *v1_ldt, *rw_page;
static struct vcpu_guest_context ctx;

extern char trap_entry_0[], trap_entry_1[], trap_entry_2[], trap_entry_3[], trap_entry_4[],
    trap_entry_5[], trap_entry_6[], trap_entry_7[], trap_entry_8[], trap_entry_9[], trap_entry_10[],
    trap_entry_11[], trap_entry_12[], trap_entry_13[], trap_entry_14[], trap_entry_15[],
    trap_entry_16[], trap_entry_17[], trap_entry_18[], trap_entry_19[];

static char *const trap_entries[20] = {
    trap_entry_0,  trap_entry_1,  trap_entry_2,	 trap_entry_3,	trap_entry_4,
    trap_entry_5,  trap_entry_6,  trap_entry_7,	 trap_entry_8,	trap_entry_9,
    trap_entry_10, trap_entry_11, trap_entry_12, trap_entry_13, trap_entry_14,
    trap_entry_15, trap_entry_16, trap_entry_17, trap_entry_18, trap_entry_19,
};

/* 64-bit ring-3 code at GDT index 2 (0x10), ring-3 data at index 3 (0x18): Linux's layout. */
#define GDT_CODE64_DPL3	 0x00affb000000ffffULL
#define GDT_DATA_DPL3	 0x00cff3000000ffffULL
#define GDT_DATA_DPL3_RO 0x00cff1000000ffffULL

/* The context vCPU 1 is brought up with (as Linux's cpu_initialize_context fills it). */
static void base_context(struct vcpu_guest_context *c)
{
	uint32_t mxcsr =
	    0x5f80; /* round up: not the default 0x1f80, so it shows it came from here */
	uint16_t fcw = 0x37f;

	memset(c, 0, sizeof(*c));
	c->flags = VGCF_in_kernel | VGCF_i387_valid;
	memcpy(c->fpu_ctxt.x, &fcw, sizeof(fcw));
	memcpy(c->fpu_ctxt.x + 24, &mxcsr, sizeof(mxcsr));
	c->user_regs.rip = (uint64_t)(uintptr_t)v1_start;
	c->user_regs.rsp = (uint64_t)(uintptr_t)(v1_stack + sizeof(v1_stack));
	c->user_regs.rdi = 0x5eed;
	c->user_regs.rflags = 0x1000; /* IOPL 1, as Linux */
	c->user_regs.cs = 0x10;	      /* RPL 0 (Linux's __KERNEL_CS): Argon makes it 0x13 */
	c->user_regs.ss = 0x18;	      /* likewise __KERNEL_DS */
	c->user_regs.ds = c->user_regs.es = 0x2b;
	for (unsigned int v = 0; v < 20; v++) {
		c->trap_ctxt[v].vector = (uint8_t)v;
		c->trap_ctxt[v].flags = (v == 3 || v == 4) ? 3 : 0;
		c->trap_ctxt[v].cs = FLAT_KERNEL_CS;
		c->trap_ctxt[v].address = (uint64_t)(uintptr_t)trap_entries[v];
	}
	/* vCPU 1's own int3 handler. */
	c->trap_ctxt[3].address = (uint64_t)(uintptr_t)v1_int3_entry;
	c->gdt_frames[0] = virt_to_mfn(v1_gdt);
	c->gdt_ents = 16;
	/* A one-entry LDT of its own, as MMUEXT_SET_LDT would install it. */
	c->ldt_base = (uint64_t)(uintptr_t)v1_ldt;
	c->ldt_ents = 1;
	c->kernel_ss = 0x18;
	c->kernel_sp = (uint64_t)(uintptr_t)(v1_stack + sizeof(v1_stack));
	c->fs_base = (uint64_t)(uintptr_t)&fsmark[1];
	c->gs_base_kernel = (uint64_t)(uintptr_t)&percpu[1];
	c->event_callback_eip = (uint64_t)(uintptr_t)hypervisor_callback;
	c->failsafe_callback_eip = (uint64_t)(uintptr_t)failsafe_callback;
	c->ctrlreg[3] = virt_to_mfn((const void *)start_info->pt_base) << 12;
}

static bool ready;

#define SETUP()                                                                                    \
	do {                                                                                       \
		if (!ready) {                                                                      \
			test_fail(__FILE__, __LINE__, "setup failed earlier");                     \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* Map shared_info, register the callbacks, give vCPU 0 its GS/FS bases, build vCPU 1's GDT. */
GUEST_TEST(a00_setup)
{
	EXPECT_EQ(map_shared_info(), 0);
	EXPECT_EQ(callbacks_register(), 0);
	trap_set_handler(TRAP_EVENT_CALLBACK, on_event);
	trap_set_handler(V1_INT3_VECTOR, on_v1_int3);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)(uintptr_t)&percpu[0]),
		  0);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, (uint64_t)(uintptr_t)&fsmark[0]), 0);
	EXPECT_EQ(cpu_id(), 0);
	EXPECT_EQ(fs_word(), fsmark[0]);
	v1_gdt = page_alloc();
	EXPECT(v1_gdt);
	((uint64_t *)v1_gdt)[2] = GDT_CODE64_DPL3;
	((uint64_t *)v1_gdt)[3] = GDT_DATA_DPL3;
	((uint64_t *)v1_gdt)[4] = GDT_DATA_DPL3_RO;
	((uint64_t *)v1_gdt)[5] = GDT_DATA_DPL3; /* 0x2b, Linux's __USER_DS: the context's %ds */
	/* A descriptor page may have no writable mapping (set_gdt's rule). */
	EXPECT_EQ(set_page_rw(v1_gdt, false), 0);
	v1_ldt = page_alloc();
	rw_page = page_alloc();
	EXPECT(v1_ldt && rw_page);
	((uint64_t *)v1_ldt)[0] = GDT_DATA_DPL3;
	EXPECT_EQ(set_page_rw(v1_ldt, false), 0);
	/* Linux masks the new vCPU's events before bringing it up. */
	shared_info->vcpu_info[1].evtchn_upcall_mask = 1;
	ready = true;
}

GUEST_TEST(a01_is_up)
{
	SETUP();
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
	/* Linux probes every possible CPU id: the ones that do not exist must fail. */
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 2, NULL), -ENOENT);
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 31, NULL), -ENOENT);
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 8191, NULL), -ENOENT);
}

GUEST_TEST(a02_up_before_initialise)
{
	SETUP();
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
}

GUEST_TEST(a03_initialise_errors)
{
	SETUP();
	base_context(&ctx);
	/* No such vCPU; vCPU 0 already has its context (Xen: -EEXIST). */
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 2, &ctx), -ENOENT);
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 0, &ctx), -EEXIST);
	/* Unreadable context: unmapped, and in the hypervisor's range. */
	EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, (void *)0x1000), -EFAULT);
	EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, (void *)0xffff830000000000UL), -EFAULT);
	/* An unmapped user address. */
	EXPECT_EQ(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, (void *)0x7ffffffff000UL), -EFAULT);
}

/* One field of the context made invalid; each must give -EINVAL and leave vCPU 1 untouched. */
struct bad_case {
	const char *what;
	void (*spoil)(struct vcpu_guest_context *c);
};

static void bad_flags(struct vcpu_guest_context *c)
{
	c->flags |= 1UL << 12;
}
static void bad_rip(struct vcpu_guest_context *c)
{
	c->user_regs.rip = 0x0000800000000000UL;
}
static void rip_in_xen(struct vcpu_guest_context *c)
{
	c->user_regs.rip = 0xffff800000001000UL;
}
static void bad_rsp(struct vcpu_guest_context *c)
{
	c->user_regs.rsp = 0x00f0000000000000UL;
}
static void bad_trap(struct vcpu_guest_context *c)
{
	c->trap_ctxt[14].address = 1UL << 60;
}
static void bad_event_cb(struct vcpu_guest_context *c)
{
	c->event_callback_eip = 1UL << 50;
}
static void bad_fs_base(struct vcpu_guest_context *c)
{
	c->fs_base = 1UL << 62;
}
static void bad_gs_base(struct vcpu_guest_context *c)
{
	c->gs_base_kernel = 1UL << 48;
}
static void null_cs(struct vcpu_guest_context *c)
{
	c->user_regs.cs = 3;
}
static void null_ss(struct vcpu_guest_context *c)
{
	c->user_regs.ss = 0;
}
static void null_kernel_ss(struct vcpu_guest_context *c)
{
	c->kernel_ss = 0;
}
static void cs_is_data(struct vcpu_guest_context *c)
{
	c->user_regs.cs = 0x18;
}
static void ss_is_code(struct vcpu_guest_context *c)
{
	c->user_regs.ss = 0x10;
}
static void ss_read_only(struct vcpu_guest_context *c)
{
	c->user_regs.ss = 0x20;
}
static void cs_beyond_gdt(struct vcpu_guest_context *c)
{
	c->user_regs.cs = 0x80;
}
static void cs_in_ldt(struct vcpu_guest_context *c)
{
	c->user_regs.cs = 0x14;
}
static void cs_reserved(struct vcpu_guest_context *c)
{
	c->user_regs.cs = 0xe008;
}
static void gdt_too_big(struct vcpu_guest_context *c)
{
	c->gdt_ents = 7169;
}
static void gdt_no_frame(struct vcpu_guest_context *c)
{
	c->gdt_frames[0] = 1UL << 40;
}
static void gdt_writable(struct vcpu_guest_context *c)
{
	c->gdt_frames[0] = virt_to_mfn(rw_page);
}
/* Fails last, after the GDT and the page table were taken: both must be given back. */
static void ldt_writable(struct vcpu_guest_context *c)
{
	c->ldt_base = (uint64_t)(uintptr_t)rw_page;
}
static void ldt_unmapped(struct vcpu_guest_context *c)
{
	c->ldt_base = 0x1000;
}
static void ldt_unaligned(struct vcpu_guest_context *c)
{
	c->ldt_base = 0x1008;
	c->ldt_ents = 1;
}
static void ldt_too_big(struct vcpu_guest_context *c)
{
	c->ldt_base = 0x1000;
	c->ldt_ents = 8193;
}
static void ldt_in_xen(struct vcpu_guest_context *c)
{
	c->ldt_base = 0xffff800000000000UL;
	c->ldt_ents = 1;
}
static void cr3_zero(struct vcpu_guest_context *c)
{
	c->ctrlreg[3] = 0;
}
static void cr3_low_bits(struct vcpu_guest_context *c)
{
	c->ctrlreg[3] |= 0x18;
}
static void cr3_no_frame(struct vcpu_guest_context *c)
{
	c->ctrlreg[3] = 1UL << 52;
}
static void cr3_not_l4(struct vcpu_guest_context *c)
{
	c->ctrlreg[3] = virt_to_mfn(rw_page) << 12;
}
static void cr1_not_l4(struct vcpu_guest_context *c)
{
	c->ctrlreg[1] = virt_to_mfn(rw_page) << 12;
}
static void user_mode_no_l4(struct vcpu_guest_context *c)
{
	c->flags &= ~(uint64_t)VGCF_in_kernel;
}
static void debugreg_set(struct vcpu_guest_context *c)
{
	c->debugreg[0] = 0x1234;
}
static void dr7_set(struct vcpu_guest_context *c)
{
	c->debugreg[7] = 0x401;
}
static void vm_assist_bad(struct vcpu_guest_context *c)
{
	c->vm_assist = 1UL << 40;
}
static void mxcsr_reserved(struct vcpu_guest_context *c)
{
	c->fpu_ctxt.x[27] = 0x80;
}

static const struct bad_case bad_cases[] = {
    {"unknown flag", bad_flags},
    {"non-canonical rip", bad_rip},
    {"rip in the hypervisor window", rip_in_xen},
    {"non-canonical rsp", bad_rsp},
    {"non-canonical trap handler", bad_trap},
    {"non-canonical event callback", bad_event_cb},
    {"non-canonical fs_base", bad_fs_base},
    {"non-canonical gs_base_kernel", bad_gs_base},
    {"null cs", null_cs},
    {"null ss", null_ss},
    {"null kernel_ss", null_kernel_ss},
    {"cs naming a data segment", cs_is_data},
    {"ss naming a code segment", ss_is_code},
    {"ss naming a read-only segment", ss_read_only},
    {"cs beyond gdt_ents", cs_beyond_gdt},
    {"cs in the LDT", cs_in_ldt},
    {"cs in the reserved GDT page", cs_reserved},
    {"gdt_ents beyond the guest part", gdt_too_big},
    {"GDT frame beyond memory", gdt_no_frame},
    {"GDT frame mapped writable", gdt_writable},
    {"LDT page mapped writable", ldt_writable},
    {"LDT page not mapped", ldt_unmapped},
    {"LDT base not page aligned", ldt_unaligned},
    {"more than 8192 LDT entries", ldt_too_big},
    {"LDT in the hypervisor window", ldt_in_xen},
    {"no kernel page table", cr3_zero},
    {"ctrlreg[3] with low bits", cr3_low_bits},
    {"ctrlreg[3] beyond memory", cr3_no_frame},
    {"ctrlreg[3] a writable data page", cr3_not_l4},
    {"ctrlreg[1] a writable data page", cr1_not_l4},
    {"user mode without a user page table", user_mode_no_l4},
    {"debug register", debugreg_set},
    {"dr7 beyond its reset value", dr7_set},
    {"unknown vm_assist", vm_assist_bad},
    {"reserved MXCSR bit", mxcsr_reserved},
};

GUEST_TEST(a04_initialise_bad_fields)
{
	SETUP();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		long rc;

		base_context(&ctx);
		bad_cases[i].spoil(&ctx);
		rc = vcpu_op(VCPUOP_initialise, 1, &ctx);
		if (rc != -EINVAL) {
			test_fail(__FILE__, __LINE__, "%s: %ld, not -EINVAL", bad_cases[i].what,
				  rc);
			return;
		}
	}
	/* Nothing stuck: still never initialised, and the GDT page holds no descriptor type. */
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), -EINVAL);
	EXPECT_EQ(set_page_rw(v1_gdt, true), 0);
	EXPECT_EQ(set_page_rw(v1_gdt, false), 0);
	EXPECT_EQ(set_page_rw(v1_ldt, true), 0);
	EXPECT_EQ(set_page_rw(v1_ldt, false), 0);
	test_note("%u bad contexts refused", (unsigned int)ARRAY_SIZE(bad_cases));
}

/* Initialise (offline until VCPUOP_up), as Linux; a second initialise is refused. */
GUEST_TEST(b00_initialise)
{
	struct vcpu_register_runstate_memory_area area = {
	    .addr.p = (uint64_t)(uintptr_t)&v1_runstate,
	};

	SETUP();
	ready = false;
	/* Linux registers the new vCPU's runstate area from the boot CPU first. */
	EXPECT_EQ(vcpu_op(VCPUOP_register_runstate_memory_area, 1, &area), 0);
	base_context(&ctx);
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), 0);
	EXPECT_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -EEXIST);
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
	/* Its GDT page is a descriptor page now: no writable mapping allowed. */
	EXPECT(set_page_rw(v1_gdt, true) != 0);
	EXPECT(set_page_rw(v1_ldt, true) != 0);
	EXPECT_EQ(v1.counter, 0);
	ready = true;
}

GUEST_TEST(b01_up_and_run)
{
	uint64_t c0;

	SETUP();
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 1);
	/* Up again: nothing to do, as on Xen. */
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
	EXPECT(wait_for(&v1.counter, 1));
	c0 = v1.counter;
	EXPECT(wait_for(&v1.counter, c0 + 1000));
	/* The context arrived: registers, fixed-up selectors, FPU image, bases. */
	EXPECT_EQ(v1.entry_rdi, 0x5eed);
	EXPECT_EQ(v1_entry_cs, 0x13);
	EXPECT_EQ(v1_entry_ss, 0x1b);
	/* The context's data selectors are loaded as given (vCPU 0's are null). */
	EXPECT_EQ(v1_entry_ds, 0x2b);
	EXPECT_EQ(v1_entry_es, 0x2b);
	EXPECT_EQ(v1_entry_mxcsr, 0x5f80);
	EXPECT_EQ(v1.bad_state, 0);
	test_note("vCPU 1 counted to %lu", v1.counter);
}

/* Both vCPUs share the CPU: each one's counter advances while the other runs too. */
GUEST_TEST(b02_both_run)
{
	uint64_t mine = 0, c0, end;

	SETUP();
	c0 = v1.counter;
	end = now_ns() + 200000000ULL; /* 200 ms without yielding: the time slice must switch */
	while (now_ns() < end) {
		mine++;
	}
	EXPECT(v1.counter > c0);
	EXPECT(mine > 0);
	EXPECT_EQ(v1.bad_state, 0);
	test_note("in 200 ms: vCPU 0 %lu rounds, vCPU 1 %lu", mine, v1.counter - c0);
}

/* FS and GS bases and xmm0 stay each vCPU's own across many switches. */
GUEST_TEST(b03_per_vcpu_registers)
{
	SETUP();
	xmm0_set(0x1111111111111111ULL);
	for (unsigned int i = 0; i < 200; i++) {
		yield();
		EXPECT_EQ(cpu_id(), 0);
		EXPECT_EQ(fs_word(), fsmark[0]);
		EXPECT_EQ(xmm0_get(), 0x1111111111111111ULL);
	}
	EXPECT_EQ(v1.bad_state, 0);
}

/* Each vCPU's own trap table: int3 on vCPU 1 reaches its handler (vector 200). */
GUEST_TEST(b04_own_trap_table)
{
	uint64_t before = v1.int3s;

	SETUP();
	EXPECT(run(CMD_INT3, 0));
	EXPECT_EQ(v1.int3s, before + 1);
}

/* vCPU 1's pvclock in its vcpu_info slot is kept and agrees with vCPU 0's. */
GUEST_TEST(b05_pvclock_per_vcpu)
{
	const struct vcpu_time_info *t = &shared_info->vcpu_info[1].time;
	uint64_t before, after;

	SETUP();
	EXPECT(t->tsc_to_system_mul != 0);
	EXPECT((t->version & 1) == 0);
	before = now_ns();
	EXPECT(run(CMD_PVCLOCK, 0));
	after = now_ns();
	EXPECT(v1.value >= before);
	EXPECT(v1.value <= after);
	test_note("vCPU 1 read %lu ns inside [%lu, %lu]", v1.value, before, after);
}

/* Runstate: vCPU 1 sees itself running in its area; vCPU 0 sees it from outside. */
GUEST_TEST(b06_runstate)
{
	struct vcpu_runstate_info r;

	SETUP();
	EXPECT(run(CMD_RUNSTATE, 0));
	EXPECT_EQ(v1.value, RUNSTATE_running);
	EXPECT_EQ(vcpu_op(VCPUOP_get_runstate_info, 1, &r), 0);
	EXPECT(r.state == RUNSTATE_runnable || r.state == RUNSTATE_blocked);
	EXPECT(r.time[RUNSTATE_running] > 0);
	EXPECT(r.time[RUNSTATE_offline] > 0);
}

static uint32_t ipi_to_1, ipi_to_0, timer_port_1;

/* An IPI from vCPU 0 wakes vCPU 1 blocked in SCHEDOP_block, and is delivered on vCPU 1. */
GUEST_TEST(c00_ipi_wakes_blocked_vcpu)
{
	uint64_t seq;

	SETUP();
	EXPECT_EQ(bind_ipi(1, &ipi_to_1), 0);
	seq = post(CMD_BLOCK, 0);
	EXPECT(wait_runstate(1, RUNSTATE_blocked));
	/* Blocked: it stays so while vCPU 0 yields. */
	for (unsigned int i = 0; i < 20; i++) {
		yield();
	}
	EXPECT(v1.done < seq);
	EXPECT_EQ(fired[1][ipi_to_1], 0);
	EXPECT_EQ(send(ipi_to_1), 0);
	EXPECT(wait_for(&v1.done, seq));
	EXPECT_EQ(v1.rc, 0);
	EXPECT_EQ(fired[1][ipi_to_1], 1);
	EXPECT_EQ(fired[0][ipi_to_1], 0);
}

/* And the other way: vCPU 1's IPI wakes vCPU 0 blocked. */
GUEST_TEST(c01_ipi_to_vcpu0)
{
	uint64_t seq;

	SETUP();
	EXPECT_EQ(bind_ipi(0, &ipi_to_0), 0);
	seq = post(CMD_SEND, ipi_to_0);
	/* Blocking lets vCPU 1 run; its IPI is what wakes us. */
	EXPECT_EQ(HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
	shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
	EXPECT(wait_for(&v1.done, seq));
	EXPECT_EQ(v1.rc, 0);
	EXPECT_EQ(fired[0][ipi_to_0], 1);
	EXPECT_EQ(fired[1][ipi_to_0], 0);
}

/* VIRQ_TIMER bound per vCPU: vCPU 1's own singleshot timer wakes it on its own port. */
GUEST_TEST(c02_timer_virq_per_vcpu)
{
	struct evtchn_bind_virq b = {.virq = VIRQ_TIMER, .vcpu = 1};
	struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = 1};

	SETUP();
	EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b), 0);
	timer_port_1 = b.port;
	port_cpu[timer_port_1] = 1;
	/* A vCPU's singleshot timer is its own to set. */
	EXPECT_EQ(vcpu_op(VCPUOP_set_singleshot_timer, 1, &t), -EINVAL);
	EXPECT(run(CMD_TIMER, 0));
	EXPECT_EQ(v1.rc, 0);
	EXPECT_EQ(fired[1][timer_port_1], 1);
	EXPECT_EQ(fired[0][timer_port_1], 0);
}

/* TLB flushes naming vCPUs: masks with vCPU 1, both, and a bad mask pointer. */
GUEST_TEST(c03_tlb_flush_multi)
{
	uint64_t mask = 2, both = 3;
	struct mmuext_op op = {.cmd = MMUEXT_TLB_FLUSH_MULTI};
	unsigned int done = 0;

	SETUP();
	op.arg2.vcpumask.p = &mask;
	EXPECT_EQ(HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF), 0);
	op.cmd = MMUEXT_INVLPG_MULTI;
	op.arg1.linear_addr = (uint64_t)(uintptr_t)v1_stack;
	op.arg2.vcpumask.p = &both;
	EXPECT_EQ(HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF), 0);
	op.arg2.vcpumask.p = (void *)0x1000;
	EXPECT_EQ(HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF), -EFAULT);
	EXPECT(v1.counter > 0);
}

/*
 * %ds, %es, %fs and %gs are each vCPU's own across switches on the one CPU, bases included; a
 * selector whose descriptor went away while its vCPU was off the CPU comes back null, and the
 * failsafe callback tells the vCPU which selectors it had.
 */
#define SEG_ROUNDS 20

GUEST_TEST(c04_segments_per_vcpu)
{
	const uint64_t mine = segs(FLAT_RING3_DS32, 0, FLAT_RING3_DS32, 0);
	/* vCPU 1's GDT: 0x1b data, 0x23 read-only data, 0x2b data; 0x07: its LDT's one entry. */
	const uint64_t theirs = segs(0x1b, 0x2b, 0x07, 0x23);
	uint64_t ldt_ma = virt_to_mfn(v1_ldt) << 12, c0, seq, t0 = now_ns();
	unsigned int bad = 0, i;

	SETUP();
	trap_set_handler(TRAP_FAILSAFE_CALLBACK, on_failsafe);
	load_segs(mine);
	EXPECT_EQ(read_segs(), mine);
	EXPECT(run(CMD_SEGS, theirs));
	EXPECT_EQ(v1.rc, 0);
	/* Rounds in which vCPU 1 runs in between (yield until its counter moves). */
	for (i = 0; i < SEG_ROUNDS; i++) {
		c0 = v1.counter;
		if (!wait_for(&v1.counter, c0 + 1)) {
			break;
		}
		if (read_segs() != mine || fs_word() != fsmark[0] || cpu_id() != 0) {
			bad++;
		}
	}
	EXPECT_EQ(i, SEG_ROUNDS);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(v1.bad_segs, 0);
	EXPECT_EQ(v1.bad_state, 0);
	EXPECT_EQ(v1.failsafes, 0);

	/* Its LDT entry (its %fs) made not present while it is blocked. */
	seq = post(CMD_BLOCK, 0);
	EXPECT(wait_runstate(1, RUNSTATE_blocked));
	EXPECT_EQ(hypercall2(__HYPERVISOR_update_descriptor, ldt_ma, 0), 0);
	EXPECT_EQ(send(ipi_to_1), 0);
	EXPECT(wait_for(&v1.done, seq));
	EXPECT_EQ(v1.failsafes, 1);
	EXPECT_EQ(v1.failsafe_sels, theirs);
	EXPECT_EQ(v1.segs_want, segs(0x1b, 0x2b, 0, 0x23));
	for (i = 0; i < SEG_ROUNDS / 2; i++) {
		c0 = v1.counter;
		if (!wait_for(&v1.counter, c0 + 1)) {
			break;
		}
		if (read_segs() != mine) {
			bad++;
		}
	}
	EXPECT_EQ(i, SEG_ROUNDS / 2);
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(v1.failsafes, 1);
	EXPECT_EQ(v1.bad_segs, 0);
	EXPECT_EQ(v1.bad_state, 0);

	/* Null selectors again on both, the LDT entry back, for the tests after. */
	EXPECT_EQ(hypercall2(__HYPERVISOR_update_descriptor, ldt_ma, GDT_DATA_DPL3), 0);
	EXPECT(run(CMD_SEGS, 0));
	load_segs(0);
	EXPECT_EQ(read_segs(), 0);
	EXPECT_EQ(fs_word(), fsmark[0]);
	EXPECT_EQ(cpu_id(), 0);
	test_note("%u rounds of both vCPUs in %lu ms; failsafe with %#lx", SEG_ROUNDS * 3 / 2,
		  (unsigned long)((now_ns() - t0) / 1000000), (unsigned long)v1.failsafe_sels);
}

/* vCPU 1 takes itself down (as Linux's play_dead) and comes back from VCPUOP_down when up'd. */
GUEST_TEST(d00_down_up_cycles)
{
	struct vcpu_runstate_info r;

	SETUP();
	for (unsigned int i = 0; i < 3; i++) {
		uint64_t seq = post(CMD_DOWN, 0), resumed = v1.resumed, frozen;

		EXPECT(wait_runstate(1, RUNSTATE_offline));
		EXPECT_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
		/* Down: it does not run at all, and it keeps its context (Xen: -EEXIST). */
		frozen = v1.counter;
		for (unsigned int j = 0; j < 20; j++) {
			yield();
		}
		EXPECT_EQ(v1.counter, frozen);
		EXPECT_EQ(v1.resumed, resumed);
		EXPECT_EQ(vcpu_op(VCPUOP_initialise, 1, &ctx), -EEXIST);
		/* Its runstate area was written as it went. */
		EXPECT_EQ(v1_runstate.state, RUNSTATE_offline);
		EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
		EXPECT_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 1);
		EXPECT(wait_for(&v1.done, seq));
		EXPECT_EQ(v1.rc, 0);
		EXPECT_EQ(v1.resumed, resumed + 1);
		EXPECT(wait_for(&v1.counter, frozen + 100));
	}
	EXPECT_EQ(vcpu_op(VCPUOP_get_runstate_info, 1, &r), 0);
	EXPECT_EQ(v1.bad_state, 0);
}

/* vCPU 0 takes vCPU 1 down from outside while it spins, and brings it back. */
GUEST_TEST(d01_down_from_outside)
{
	uint64_t frozen;

	SETUP();
	EXPECT_EQ(vcpu_op(VCPUOP_down, 1, NULL), 0);
	EXPECT_EQ(vcpu_op(VCPUOP_is_up, 1, NULL), 0);
	/* Down twice: nothing more to do. */
	EXPECT_EQ(vcpu_op(VCPUOP_down, 1, NULL), 0);
	frozen = v1.counter;
	for (unsigned int j = 0; j < 20; j++) {
		yield();
	}
	EXPECT_EQ(v1.counter, frozen);
	EXPECT_EQ(vcpu_op(VCPUOP_up, 1, NULL), 0);
	EXPECT(wait_for(&v1.counter, frozen + 100));
	/* Events still reach it after the cycles: an IPI wakes it from a block. */
	{
		uint64_t seq = post(CMD_BLOCK, 0), before = fired[1][ipi_to_1];

		EXPECT(wait_runstate(1, RUNSTATE_blocked));
		EXPECT_EQ(send(ipi_to_1), 0);
		EXPECT(wait_for(&v1.done, seq));
		EXPECT_EQ(fired[1][ipi_to_1], before + 1);
	}
	EXPECT_EQ(v1.bad_state, 0);
	test_note("vCPU 1 at %lu rounds; the domain shuts down with it running", v1.counter);
}
