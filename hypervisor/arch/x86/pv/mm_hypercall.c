/*
 * The PV MMU hypercalls: mmu_update, mmuext_op, update_va_mapping and vm_assist (docs/abi/ has
 * one page each). Each copies a request in, lets the rules in mm.c check and apply it, and copies
 * progress out; no guest memory is touched under the domain's mm_lock. Batches stop between
 * requests when the CPU is wanted elsewhere and continue through a hypercall continuation, the
 * progress counter carried in the count argument's top bit as Xen does (MMU_UPDATE_PREEMPTED).
 * Portable: tests/unit drives these handlers with a fake guest memory.
 */
#include <argon/arch.h>
#include <argon/domain.h>
#include <argon/errno.h>
#include <argon/guest_access.h>
#include <argon/hypercall.h>
#include <argon/lib.h>
#include <asm/pv/descriptor.h>
#include <asm/pv/mm.h>
#include <public/xen.h>

/* Set in a re-issued batch's count: *pdone already holds the earlier calls' progress. */
#define MMU_UPDATE_PREEMPTED (1U << 31)

/* The largest LDT (SDM vol. 3, 3.5.1: 8192 descriptors). */
#define LDT_MAX_ENTRIES 8192

/* True if [@va, @va + @len) is guest address space (canonical, outside the hypervisor window). */
static bool guest_range_ok(uint64_t va, uint64_t len)
{
	uint64_t end = va + len;

	if (end < va) {
		return false;
	}
	return end <= 0x0000800000000000ULL || (va >= HYPERVISOR_VIRT_END);
}

/*
 * Whether @domid may be named as a foreign domain by @d. Only DOMID_SELF is implemented: naming
 * oneself by number is -ESRCH (as Xen), an unknown domain -ESRCH, another domain -EPERM for an
 * unprivileged caller and -ENOSYS (foreign mappings are not there yet) for the privileged one.
 */
static int check_foreign(const struct domain *d, unsigned int domid)
{
	if (domid == DOMID_SELF) {
		return 0;
	}
	if (domid == DOMID_IO || domid == DOMID_XEN) {
		return d->is_privileged ? -ENOSYS : -EPERM;
	}
	if (domid == d->domain_id || domid >= DOMID_FIRST_RESERVED || !domain_by_id((domid_t)domid)) {
		return -ESRCH;
	}
	return d->is_privileged ? -ENOSYS : -EPERM;
}

/* mmu_update's foreigndom: the low 16 bits name the mapped frames' owner, the high 16 bits the
 * page-table owner plus one (0: the caller). */
static int check_foreigndom(const struct domain *d, uint64_t foreigndom)
{
	unsigned int fd = foreigndom & 0xffff, pfd = (foreigndom >> 16) & 0xffff;
	int rc = check_foreign(d, fd);

	if (!rc && pfd && pfd - 1 != d->domain_id) {
		rc = check_foreign(d, pfd - 1);
	}
	return rc;
}

/* Read the progress an earlier part of a preempted batch left in *@pdone. */
static uint32_t batch_start(uint64_t *count, uint64_t pdone)
{
	uint32_t done = 0;

	*count &= 0xffffffffU;
	if (*count & MMU_UPDATE_PREEMPTED) {
		*count &= ~(uint64_t)MMU_UPDATE_PREEMPTED;
		if (pdone) {
			(void)copy_from_guest(&done, pdone, sizeof(done));
		}
	}
	return done;
}

static int one_mmu_update(struct vcpu *v, const struct mmu_update *req)
{
	struct domain *d = v->domain;
	uint64_t ptr = req->ptr & ~3ULL;
	struct page_info *pg;
	int rc;

	d->arch.stats.mmu_updates++;
	switch (req->ptr & 3) {
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_PRESERVE_AD:
	case MMU_PT_UPDATE_NO_TRANSLATE:	/* val is a machine frame already for a PV caller */
		if (ptr & 7) {
			return -EINVAL;
		}
		return pv_mod_entry(v, paddr_to_mfn(ptr), (unsigned int)((ptr & (PAGE_SIZE - 1)) >> 3),
				    req->val, (req->ptr & 3) == MMU_PT_UPDATE_PRESERVE_AD, true);
	case MMU_MACHPHYS_UPDATE:
		pg = pv_mfn_to_page(paddr_to_mfn(ptr));
		rc = pg ? get_page(pg, d) : -EINVAL;
		if (rc) {
			return rc;
		}
		m2p_set_entry(paddr_to_mfn(ptr), req->val);
		put_page(pg);
		return 0;
	default:
		return -ENOSYS;
	}
}

/* One request of a batch, as read from the guest. */
union batch_req {
	struct mmu_update u;
	struct mmuext_op e;
};

typedef int (*batch_fn)(struct vcpu *v, const union batch_req *req);

/*
 * The loop mmu_update and mmuext_op share: @count requests of @size bytes at guest address
 * @reqs, each handed to @fn; it stops at the first error, preempts (continuing hypercall @nr from
 * the next request) when asked to or when a request left page-table work pending, and reports
 * the requests done through @pdone.
 */
static long run_batch(unsigned int nr, uint64_t reqs, size_t size, uint64_t count, uint64_t pdone,
		      uint64_t foreigndom, batch_fn fn)
{
	struct vcpu *v = current_vcpu();
	uint32_t done = batch_start(&count, pdone);
	uint64_t i = 0;
	long rc = pv_mm_finish_pending(v);

	for (; !rc && i < count; i++) {
		union batch_req req;

		if (i && hypercall_preempt_check()) {
			rc = -ERESTART;
			break;
		}
		if (copy_from_guest(&req, reqs + i * size, size)) {
			rc = -EFAULT;
			break;
		}
		rc = fn(v, &req);
		if (rc) {
			break;
		}
		if (pv_mm_has_pending(v)) {
			/* This request is done, but dropping the old entry's table must continue first. */
			i++;
			rc = -ERESTART;
			break;
		}
	}
	if (rc == -ERESTART) {
		rc = hypercall_create_continuation(nr, reqs + i * size, (count - i) | MMU_UPDATE_PREEMPTED,
						   pdone, foreigndom, 0);
	}
	done += (uint32_t)i;
	if (pdone) {
		(void)copy_to_guest(pdone, &done, sizeof(done));
	}
	return rc;
}

static int batch_mmu_update(struct vcpu *v, const union batch_req *req)
{
	return one_mmu_update(v, &req->u);
}

long do_mmu_update(uint64_t ureqs, uint64_t count, uint64_t pdone, uint64_t foreigndom,
		   uint64_t a5)
{
	long rc = check_foreigndom(current_vcpu()->domain, foreigndom);

	if (rc) {
		return rc;
	}
	return run_batch(__HYPERVISOR_mmu_update, ureqs, sizeof(struct mmu_update), count, pdone,
			 foreigndom, batch_mmu_update);
}

/* Read a vCPU bitmap of the *_MULTI operations (one word: Argon has at most 64 vCPUs). */
static int read_vcpumask(uint64_t addr, uint64_t *mask)
{
	BUILD_BUG_ON(MAX_VCPUS_PER_DOMAIN > 64);
	return copy_from_guest(mask, addr, sizeof(*mask)) ? -EFAULT : 0;
}

/* A frame of the domain as a plain page: CLEAR_PAGE and COPY_PAGE's destination. */
static int get_writable(struct domain *d, mfn_t mfn, struct page_info **out)
{
	struct page_info *pg = pv_mfn_to_page(mfn);
	int rc = pg ? get_page(pg, d) : -EINVAL;

	if (rc) {
		return rc;
	}
	spin_lock(&d->arch.mm_lock);
	rc = get_page_type(d, pg, PGT_WRITABLE, false);
	spin_unlock(&d->arch.mm_lock);
	if (rc) {
		put_page(pg);
		return rc;
	}
	*out = pg;
	return 0;
}

static void put_writable(struct domain *d, struct page_info *pg)
{
	spin_lock(&d->arch.mm_lock);
	put_page_type(d, pg, false);
	spin_unlock(&d->arch.mm_lock);
	put_page(pg);
}

static int one_mmuext_op(struct vcpu *v, const struct mmuext_op *op)
{
	struct domain *d = v->domain;
	mfn_t mfn = _mfn(op->arg1.mfn);
	struct page_info *dst, *src;
	uint64_t mask;
	int rc;

	if (op->cmd < ARRAY_SIZE(d->arch.stats.mmuext)) {
		d->arch.stats.mmuext[op->cmd]++;
	}
	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return pv_pin_table_preemptible(v, mfn, pgt_of_level(op->cmd - MMUEXT_PIN_L1_TABLE + 1));
	case MMUEXT_UNPIN_TABLE:
		return pv_unpin_table(v, mfn);
	case MMUEXT_NEW_BASEPTR: {
		bool same = mfn_x(v->arch.guest_table) == mfn_x(mfn);

		rc = pv_set_guest_table_preemptible(v, mfn, false);
		/*
		 * A new base pointer flushes, even the same one; a different one was just loaded (every
		 * CR3 load costs a full TLB refill under TCG: do it once).
		 */
		if (!rc && (same || !v->arch.kernel_mode)) {
			pv_reload_cr3(v);
		}
		return rc;
	}
	case MMUEXT_NEW_USER_BASEPTR:
		return pv_set_guest_table_preemptible(v, mfn, true);
	case MMUEXT_TLB_FLUSH_LOCAL:
		pv_flush_tlb_local(PV_FLUSH_ALL);
		return 0;
	case MMUEXT_INVLPG_LOCAL:
		if (guest_range_ok(op->arg1.linear_addr, 1)) {
			pv_flush_tlb_local(op->arg1.linear_addr);
		}
		return 0;
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
		rc = read_vcpumask(op->arg2.vcpumask.addr, &mask);
		if (rc) {
			return rc;
		}
		if (op->cmd == MMUEXT_TLB_FLUSH_MULTI) {
			pv_flush_tlb_vcpus(d, &mask, 1, PV_FLUSH_ALL);
		} else if (guest_range_ok(op->arg1.linear_addr, 1)) {
			pv_flush_tlb_vcpus(d, &mask, 1, op->arg1.linear_addr);
		}
		return 0;
	case MMUEXT_TLB_FLUSH_ALL:
		pv_flush_tlb_vcpus(d, NULL, 0, PV_FLUSH_ALL);
		return 0;
	case MMUEXT_INVLPG_ALL:
		if (guest_range_ok(op->arg1.linear_addr, 1)) {
			pv_flush_tlb_vcpus(d, NULL, 0, op->arg1.linear_addr);
		}
		return 0;
	case MMUEXT_SET_LDT:
		if (op->arg2.nr_ents > LDT_MAX_ENTRIES || (op->arg1.linear_addr & (PAGE_SIZE - 1)) ||
		    !guest_range_ok(op->arg1.linear_addr, (uint64_t)op->arg2.nr_ents * 8)) {
			return -EINVAL;
		}
		/* The LDT's pages are typed and checked now and mapped into the CPU's LDT window. */
		return pv_set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
	case MMUEXT_CLEAR_PAGE:
		rc = get_writable(d, mfn, &dst);
		if (rc) {
			return rc;
		}
		memset(arch_mfn_to_virt(mfn), 0, PAGE_SIZE);
		put_writable(d, dst);
		return 0;
	case MMUEXT_COPY_PAGE:
		src = pv_mfn_to_page(_mfn(op->arg2.src_mfn));
		rc = src ? get_page(src, d) : -EINVAL;
		if (rc) {
			return rc;
		}
		rc = get_writable(d, mfn, &dst);
		if (!rc) {
			memmove(arch_mfn_to_virt(mfn), arch_mfn_to_virt(_mfn(op->arg2.src_mfn)), PAGE_SIZE);
			put_writable(d, dst);
		}
		put_page(src);
		return rc;
	default:
		return -ENOSYS;
	}
}

static int batch_mmuext_op(struct vcpu *v, const union batch_req *req)
{
	return one_mmuext_op(v, &req->e);
}

long do_mmuext_op(uint64_t uops, uint64_t count, uint64_t pdone, uint64_t foreigndom, uint64_t a5)
{
	long rc = check_foreign(current_vcpu()->domain, foreigndom & 0xffff);

	if (rc) {
		return rc;
	}
	return run_batch(__HYPERVISOR_mmuext_op, uops, sizeof(struct mmuext_op), count, pdone,
			 foreigndom, batch_mmuext_op);
}

long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags, uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current_vcpu();
	uint64_t target = flags & ~UVMF_FLUSHTYPE_MASK, mask, fva;
	long rc;

	rc = pv_mm_finish_pending(v);
	if (!rc) {
		rc = pv_update_va(v, va, val, true);
	}
	if (rc == -ERESTART) {
		return hypercall_create_continuation(__HYPERVISOR_update_va_mapping, va, val, flags, 0, 0);
	}
	if (rc) {
		return rc;	/* no flush after a failed update (as Xen) */
	}
	switch (flags & UVMF_FLUSHTYPE_MASK) {
	case UVMF_TLB_FLUSH:
		fva = PV_FLUSH_ALL;
		break;
	case UVMF_INVLPG:
		fva = va;
		break;
	default:
		/* An L1 update never leaves a devalidation pending: its targets are not tables. */
		return 0;
	}
	if (target == UVMF_LOCAL) {
		pv_flush_tlb_local(fva);
	} else if (target == UVMF_ALL) {
		pv_flush_tlb_vcpus(v->domain, NULL, 0, fva);
	} else {
		rc = read_vcpumask(target, &mask);
		if (rc) {
			return rc;
		}
		pv_flush_tlb_vcpus(v->domain, &mask, 1, fva);
	}
	return 0;
}

/* The assists a 64-bit PV guest may turn on (Xen's VM_ASSIST_VALID for PV). */
#define VM_ASSIST_VALID ((1ULL << VMASST_TYPE_4gb_segments) |            \
			 (1ULL << VMASST_TYPE_4gb_segments_notify) |     \
			 (1ULL << VMASST_TYPE_writable_pagetables) |     \
			 (1ULL << VMASST_TYPE_pae_extended_cr3) |        \
			 (1ULL << VMASST_TYPE_architectural_iopl) |      \
			 (1ULL << VMASST_TYPE_runstate_update_flag) |    \
			 (1ULL << VMASST_TYPE_m2p_strict))

long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct domain *d = current_vcpu()->domain;

	if (type >= 64 || !(VM_ASSIST_VALID & (1ULL << type))) {
		return -EINVAL;
	}
	switch (cmd) {
	case VMASST_CMD_enable:
		__atomic_fetch_or(&d->arch.vm_assist, 1ULL << type, __ATOMIC_RELAXED);
		return 0;
	case VMASST_CMD_disable:
		__atomic_fetch_and(&d->arch.vm_assist, ~(1ULL << type), __ATOMIC_RELAXED);
		return 0;
	default:
		return -ENOSYS;
	}
}
