/*
 * Per-domain PV counters (struct pv_stats), printed when a domain is destroyed if `pv_stats` is
 * on the hypervisor command line: the hypercalls, exceptions and page-table work a guest caused,
 * to see where a PV workload's time goes (bench/linux.py runs with it).
 */
#include <argon/cmdline.h>
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/lib.h>
#include <asm/pv.h>
#include <public/xen.h>

bool pv_stats_on;
boolean_param("pv_stats", pv_stats_on);

static const char *const hypercall_names[64] = {
#define HYPERCALL(nr, name, w) [nr] = #name,
#include <argon/hypercall-defs.h>
#undef HYPERCALL
};

/* One line "d<id>: stats <what>: name=count ..." of the non-zero @counts. */
static void report_line(const struct domain *d, const char *what, const uint64_t *counts,
			unsigned int n, const char *const *names, uint64_t unit)
{
	char buf[512];
	int len = snprintf(buf, sizeof(buf), "d%u: stats %s:", d->domain_id, what);
	unsigned int i;

	for (i = 0; i < n && len > 0 && (size_t)len < sizeof(buf); i++) {
		if (counts[i] < unit) {
			continue;
		}
		if (names && names[i]) {
			len += snprintf(buf + len, sizeof(buf) - (size_t)len, " %s=%llu", names[i],
					(unsigned long long)(counts[i] / unit));
		} else {
			len += snprintf(buf + len, sizeof(buf) - (size_t)len, " %u=%llu", i,
					(unsigned long long)(counts[i] / unit));
		}
	}
	log_info("%s\n", buf);
}

void pv_stats_report(const struct domain *d)
{
	const struct pv_stats *s = &d->arch.stats;

	if (!pv_stats_on) {
		return;
	}
	report_line(d, "hypercalls", s->hypercalls, ARRAY_SIZE(s->hypercalls), hypercall_names, 1);
	report_line(d, "mmuext_op cmds", s->mmuext, ARRAY_SIZE(s->mmuext), NULL, 1);
	report_line(d, "exceptions", s->traps, ARRAY_SIZE(s->traps), NULL, 1);
	report_line(d, "validated by level", s->validated, ARRAY_SIZE(s->validated), NULL, 1);
	report_line(d, "devalidated by level", s->devalidated, ARRAY_SIZE(s->devalidated), NULL, 1);
	report_line(d, "hypercall kcycles", s->hypercall_cycles, ARRAY_SIZE(s->hypercall_cycles),
		    hypercall_names, 1000);
	report_line(d, "exception kcycles", s->trap_cycles, ARRAY_SIZE(s->trap_cycles), NULL, 1000);
	log_info("d%u: stats: %llu CR3 loads or full flushes so far (all domains)\n", d->domain_id,
		 (unsigned long long)pv_full_flushes);
	log_info("d%u: stats: %llu TLB flushes for type changes; #GP: %llu from user mode, %llu int $n, "
		 "%llu emulated, %llu port I/O\n",
		 d->domain_id, (unsigned long long)s->tlb_flushes, (unsigned long long)s->gp_user,
		 (unsigned long long)s->gp_swint, (unsigned long long)s->gp_emulated,
		 (unsigned long long)s->gp_io);
	log_info("d%u: stats: %llu mmu_update requests, %llu ptwr emulations, %llu syscalls, "
		 "%llu entries validated, %llu vCPU loads\n",
		 d->domain_id, (unsigned long long)s->mmu_updates, (unsigned long long)s->ptwr,
		 (unsigned long long)s->syscalls, (unsigned long long)s->validated_entries,
		 (unsigned long long)s->switches);
}
