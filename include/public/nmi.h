/* SPDX-License-Identifier: MIT */
/*
 * nmi_op (hypercall 28) and the NMI reason bits in shared_info.arch.nmi_reason.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_NMI_H
#define ARGON_PUBLIC_NMI_H

#include "xen.h"

/* Bits of arch_shared_info.nmi_reason. */
#define _XEN_NMIREASON_io_error 0
#define XEN_NMIREASON_io_error (1UL << _XEN_NMIREASON_io_error)
#define _XEN_NMIREASON_pci_serr 1
#define XEN_NMIREASON_pci_serr (1UL << _XEN_NMIREASON_pci_serr)
#define _XEN_NMIREASON_unknown 2
#define XEN_NMIREASON_unknown (1UL << _XEN_NMIREASON_unknown)

#define XENNMI_register_callback 0   /* struct xennmi_callback */
#define XENNMI_unregister_callback 1 /* no argument */

#ifndef __ASSEMBLER__

struct xennmi_callback {
	uint64_t handler_address;
	uint64_t pad;
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_NMI_H */
