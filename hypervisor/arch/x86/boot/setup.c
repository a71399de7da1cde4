/* The boot CPU's path from the assembly entry to a running hypervisor. */
#include <argon/acpi.h>
#include <argon/bootdom.h>
#include <argon/arch.h>
#include <argon/cmdline.h>
#include <argon/console.h>
#include <argon/guest_console.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/multiboot2.h>
#include <argon/selftest.h>
#include <argon/shutdown.h>
#include <argon/time.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <asm/hvm/hvm.h>
#include <asm/io.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/pv/mm.h>

void start_argon(paddr_t mbi_pa);
void serial_init(void);
void rtc_init(void);

extern char boot_stack_block[];

char argon_cmdline[1024];
static void *gdt_zero_page;
static struct mb2_info boot_info;
static struct acpi_info acpi;

void *arch_mfn_to_virt(mfn_t m)
{
	return phys_to_virt(mfn_to_paddr(m));
}

mfn_t arch_virt_to_mfn(const void *p)
{
	return paddr_to_mfn(virt_to_phys(p));
}

unsigned int arch_cpu_id(void)
{
	return this_cpu()->cpu_id;
}

unsigned long arch_irq_save(void)
{
	return local_irq_save();
}

void arch_irq_restore(unsigned long flags)
{
	local_irq_restore(flags);
}

void arch_halt_forever(void)
{
	for (;;) {
		__asm__ __volatile__("cli; hlt");
	}
}

void arch_test_exit(unsigned int status)
{
	/* QEMU's isa-debug-exit at port 0xf4 exits with (value << 1) | 1; see scripts/run-qemu. */
	outl_debug_exit(0x10 + status);
}

static void report_mbi(const char *problem)
{
	log_err("boot information rejected: %s\n", problem);
}

static void report_option(const char *option, const char *problem)
{
	log_warn("command line: \"%s\": %s\n", option, problem);
}

static void report_acpi(const char *problem)
{
	log_warn("ACPI: %s\n", problem);
}

static const void *acpi_map(paddr_t pa, uint64_t len)
{
	return directmap_covers(pa, len) ? phys_to_virt(pa) : NULL;
}

static void acpi_init(void)
{
	unsigned int i;
	char list[ACPI_MAX_TABLES * 5 + 1] = "";

	if (!boot_info.rsdp) {
		log_warn("ACPI: the boot loader passed no RSDP; running without ACPI tables\n");
		return;
	}
	if (acpi_parse(boot_info.rsdp, boot_info.rsdp_len, acpi_map, &acpi, report_acpi)) {
		return;
	}
	for (i = 0; i < acpi.nr_tables; i++) {
		snprintf(list + strlen(list), sizeof(list) - strlen(list), " %s", acpi.signatures[i]);
	}
	log_info("ACPI: revision %u, OEM \"%s\", tables:%s\n", acpi.revision, acpi.oem_id, list);
	if (!acpi.has_madt) {
		log_warn("ACPI: no MADT; assuming one CPU\n");
		return;
	}
	log_info("ACPI: MADT: %u CPU(s), local APIC at %#x%s\n", acpi.madt.nr_cpus,
		 acpi.madt.lapic_addr, acpi.madt.pcat_compat ? ", dual 8259 PICs" : "");
	for (i = 0; i < acpi.madt.nr_cpus; i++) {
		log_info("ACPI:   CPU %u: APIC ID %u%s\n", i, acpi.madt.cpus[i].apic_id,
			 acpi.madt.cpus[i].enabled ? "" : " (online-capable)");
	}
	for (i = 0; i < acpi.madt.nr_ioapics; i++) {
		log_info("ACPI:   IO-APIC ID %u at %#x, GSI base %u\n", acpi.madt.ioapics[i].id,
			 acpi.madt.ioapics[i].addr, acpi.madt.ioapics[i].gsi_base);
	}
	for (i = 0; i < acpi.madt.nr_overrides; i++) {
		log_info("ACPI:   IRQ %u -> GSI %u (flags %#x)\n", acpi.madt.overrides[i].source_irq,
			 acpi.madt.overrides[i].gsi, acpi.madt.overrides[i].flags);
	}
}

/* "dom0_mem=<size>": memory of domain 0 (default 128 MiB or what is free, if less). */
static uint64_t opt_dom0_mem;
size_param("dom0_mem", opt_dom0_mem);

/* Memory a domain gets when nothing says otherwise, bounded by what is free. */
static uint64_t default_mem(bool dom0)
{
	uint64_t mem = dom0 && opt_dom0_mem ? opt_dom0_mem : dom0 ? MB(128) : MB(64);
	uint64_t free = sys_heap.free_pages * PAGE_SIZE, reserve = MB(16);

	if (free < mem + reserve) {
		mem = free > reserve ? free - reserve : 0;
	}
	return ALIGN_DOWN(mem, PAGE_SIZE);
}

/*
 * Build the boot-time domains the modules describe (see argon/bootdom.h): a kernel module, then
 * optionally its initrd. Without specs, module 0 is domain 0's kernel and module 1 its initrd.
 */
static void start_boot_domains(void)
{
	unsigned int i = 0, built = 0;

	log_info("Memory: %llu KiB free before building domain 0\n",
		 (unsigned long long)sys_heap.free_pages * 4);
	while (i < boot_info.nr_modules) {
		const struct mb2_module *k = &boot_info.modules[i], *initrd = NULL;
		struct boot_domain_spec spec, next;
		const char *why = "";
		struct domain *d;
		int rc;

		if (boot_domain_parse(k->cmdline, &spec, &why)) {
			panic("module %u: %s", i, why);
		}
		if (spec.is_initrd) {
			panic("module %u: an initrd without a kernel before it", i);
		}
		if (!spec.has_spec) {
			if (built) {
				panic("module %u: only the first module may go without an argon: spec", i);
			}
			spec.domid = 0;
			spec.privileged = true;
		}
		i++;
		if (i < boot_info.nr_modules && !boot_domain_parse(boot_info.modules[i].cmdline, &next, &why) &&
		    (next.is_initrd || (!spec.has_spec && !next.has_spec))) {
			initrd = &boot_info.modules[i++];
		}
		if (spec.hvm) {
			struct hvm_kernel hk = {
				.image = phys_to_virt(k->start), .len = k->end - k->start,
				.cmdline = spec.guest_cmdline,
				.initrd = initrd ? phys_to_virt(initrd->start) : NULL,
				.initrd_len = initrd ? initrd->end - initrd->start : 0,
			};

			rc = hvm_build_domain(&spec, &hk, &d);
		} else {
			rc = pv_build_domain(&spec, phys_to_virt(k->start), k->end - k->start,
					     initrd ? phys_to_virt(initrd->start) : NULL,
					     initrd ? initrd->end - initrd->start : 0,
					     spec.mem ? ALIGN_DOWN(spec.mem, PAGE_SIZE)
						      : default_mem(spec.domid == 0), &d);
		}
		if (rc) {
			panic("cannot build domain %u (error %d)", spec.domid, rc);
		}
		built++;
	}
}

uint32_t acpi_id_of_apic(uint32_t apic_id)
{
	unsigned int i;

	for (i = 0; acpi.has_madt && i < acpi.madt.nr_cpus; i++) {
		if (acpi.madt.cpus[i].apic_id == apic_id) {
			return acpi.madt.cpus[i].uid;
		}
	}
	return apic_id;
}

/* The HPET's register block from the ACPI HPET table (0 if there is none). */
static paddr_t acpi_hpet_base(void)
{
	unsigned int i;

	for (i = 0; i < acpi.nr_tables; i++) {
		if (!strcmp(acpi.signatures[i], "HPET") && directmap_covers(acpi.table_addr[i], 56)) {
			const uint8_t *t = phys_to_virt(acpi.table_addr[i]);
			uint64_t base;

			/* Event timer block: a generic address structure at offset 40, address at 44. */
			memcpy(&base, t + 44, sizeof(base));
			return t[40] == 0 ? base : 0;	/* system memory space only */
		}
	}
	return 0;
}

/*
 * Keep the devices Argon drives out of domain 0's I/O mappings: the local APIC page entirely,
 * IO-APICs and the HPET read-only (Linux dom0 reads them, Xen shows them the same way).
 */
static void protect_devices(void)
{
	unsigned int i;
	paddr_t hpet = acpi_hpet_base();

	pv_io_frame_protect(acpi.has_madt ? acpi.madt.lapic_addr : 0xfee00000u, false);
	for (i = 0; acpi.has_madt && i < acpi.madt.nr_ioapics; i++) {
		pv_io_frame_protect(acpi.madt.ioapics[i].addr, true);
	}
	if (hpet) {
		pv_io_frame_protect(hpet, true);
	}
}

static void enable_protections(void)
{
	uint64_t cr4;

	fpu_init_cpu();
	cr4 = read_cr4();

	/* SMEP now; SMAP waits for guest-copy helpers that bracket user accesses with stac/clac. */
	if (boot_cpu.smep) {
		cr4 |= X86_CR4_SMEP;
	}
	write_cr4(cr4);
}

void start_argon(paddr_t mbi_pa)
{
	int rc;

	percpu_init(0, (uint64_t)boot_stack_block);
	idt_init();
	serial_init();
	cpu_identify();

	rc = mb2_parse(phys_to_virt(mbi_pa), &boot_info, report_mbi);
	if (rc) {
		panic("cannot continue without valid boot information (error %d)", rc);
	}
	if (boot_info.cmdline) {
		strlcpy(argon_cmdline, boot_info.cmdline, sizeof(argon_cmdline));
	}
	cmdline_parse(argon_cmdline, __param_start, __param_end, report_option);
	serial_init();	/* again, now that com1= is known */
	console_setup();

	log_info("Argon %s (x86_64), compiled with gcc %s\n", ARGON_VERSION, __VERSION__);
	log_info("Command line: %s\n", argon_cmdline);
	log_info("Boot loader: %s, %u module(s)\n",
		 boot_info.loader_name ? boot_info.loader_name : "unknown", boot_info.nr_modules);
	for (rc = 0; rc < (int)boot_info.nr_modules; rc++) {
		log_info("  module %d: %#llx-%#llx \"%s\"\n", rc,
			 (unsigned long long)boot_info.modules[rc].start,
			 (unsigned long long)boot_info.modules[rc].end, boot_info.modules[rc].cmdline);
	}
	log_info("CPU: %s \"%s\"%s%s%s%s\n", boot_cpu.vendor, boot_cpu.brand,
		 boot_cpu.x2apic ? " x2apic" : "", boot_cpu.page1gb ? " pdpe1gb" : "",
		 boot_cpu.smep ? " smep" : "", boot_cpu.smap ? " smap" : "");

	log_info("Memory map from the boot loader:\n");
	memory_init(&boot_info, mbi_pa);
	gdt_zero_page = alloc_xenheap(PAGE_SIZE);
	if (!gdt_zero_page) {
		panic("cannot allocate the GDT zero page");
	}
	percpu_gdt_window(0, arch_virt_to_mfn(gdt_zero_page));
	enable_protections();
	acpi_init();
	time_init(acpi_hpet_base());
	rtc_init();
	apic_init();
	protect_devices();
	local_irq_enable();

	log_info("Argon ready (%lld ms after reset)\n", (long long)(NOW() / 1000000));
	selftests_run();
	pv_cpu_init();
	hvm_init();
	if (hvm_boot_requested()) {
		/* The shorthand: that module alone, as HVM domain 1. */
		hvm_boot_domain(boot_info.modules, boot_info.nr_modules);
	} else if (boot_info.nr_modules) {
		start_boot_domains();
	}
	if (domain_next(NULL)) {
		/* Serial input now goes to domain 0 (or Argon); Ctrl-A three times switches. */
		console_input_start();
		pv_sched_start();
	}
	if (test_exit_enabled()) {
		machine_halt(0);
	}
	for (;;) {
		safe_halt();
	}
}
