/*
 * The hypercall table, declared once: HYPERCALL(number, name, who may call it). Number and name are
 * Xen's public ABI (include/public/xen.h); "who" is ALL or PRIV (the privileged domain only).
 * Numbers absent here return -ENOSYS. The dispatch table and docs/abi/ index derive from this list.
 * No include guard: the includer defines HYPERCALL() first.
 */
HYPERCALL(0, set_trap_table, ALL)
HYPERCALL(1, mmu_update, ALL)
HYPERCALL(2, set_gdt, ALL)
HYPERCALL(3, stack_switch, ALL)
HYPERCALL(4, set_callbacks, ALL)
HYPERCALL(5, fpu_taskswitch, ALL)
HYPERCALL(7, platform_op, PRIV)
HYPERCALL(10, update_descriptor, ALL)
HYPERCALL(12, memory_op, ALL)
HYPERCALL(13, multicall, ALL)
HYPERCALL(14, update_va_mapping, ALL)
HYPERCALL(15, set_timer_op, ALL)
HYPERCALL(17, xen_version, ALL)
HYPERCALL(18, console_io, ALL)
HYPERCALL(20, grant_table_op, ALL)
HYPERCALL(21, vm_assist, ALL)
HYPERCALL(23, iret, ALL)
HYPERCALL(24, vcpu_op, ALL)
HYPERCALL(25, set_segment_base, ALL)
HYPERCALL(26, mmuext_op, ALL)
HYPERCALL(29, sched_op, ALL)
HYPERCALL(30, callback_op, ALL)
HYPERCALL(32, event_channel_op, ALL)
HYPERCALL(33, physdev_op, ALL)
