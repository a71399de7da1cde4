/* Identification of the boot CPU. */
#include <argon/lib.h>
#include <asm/cpu.h>

struct cpu_features boot_cpu;

void cpu_identify(void)
{
	struct cpuid_regs r = cpuid(0);
	uint32_t i;

	boot_cpu.max_leaf = r.a;
	memcpy(boot_cpu.vendor + 0, &r.b, 4);
	memcpy(boot_cpu.vendor + 4, &r.d, 4);
	memcpy(boot_cpu.vendor + 8, &r.c, 4);
	r = cpuid(1);
	boot_cpu.x2apic = r.c & CPUID1_ECX_X2APIC;
	boot_cpu.tsc_deadline = r.c & CPUID1_ECX_TSC_DEADLINE;
	boot_cpu.hypervisor = r.c & CPUID1_ECX_HYPERVISOR;
	boot_cpu.xsave = r.c & CPUID1_ECX_XSAVE;
	if (boot_cpu.max_leaf >= 7) {
		r = cpuid_count(7, 0);
		boot_cpu.smep = r.b & CPUID7_EBX_SMEP;
		boot_cpu.smap = r.b & CPUID7_EBX_SMAP;
	}
	boot_cpu.max_ext_leaf = cpuid(0x80000000).a;
	if (boot_cpu.max_ext_leaf >= 0x80000001) {
		boot_cpu.page1gb = cpuid(0x80000001).d & CPUIDX1_EDX_PAGE1GB;
	}
	if (boot_cpu.max_ext_leaf >= 0x80000004) {
		for (i = 0; i < 3; i++) {
			r = cpuid(0x80000002 + i);
			memcpy(boot_cpu.brand + i * 16 + 0, &r.a, 4);
			memcpy(boot_cpu.brand + i * 16 + 4, &r.b, 4);
			memcpy(boot_cpu.brand + i * 16 + 8, &r.c, 4);
			memcpy(boot_cpu.brand + i * 16 + 12, &r.d, 4);
		}
	}
	if (boot_cpu.max_ext_leaf >= 0x80000007) {
		boot_cpu.invtsc = cpuid(0x80000007).d & CPUIDX7_EDX_INVTSC;
	}
}
