/* SPDX-License-Identifier: MIT */
/*
 * physdev_op (hypercall 33): physdev_op(cmd, arg). Physical-device, IRQ and I/O-privilege
 * operations; most are for the hardware domain. Only the ones Linux uses are described.
 *
 * Numbers and layouts of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_PHYSDEV_H
#define ARGON_PUBLIC_PHYSDEV_H

#include "xen.h"

#define PHYSDEVOP_IRQ_UNMASK_NOTIFY 4
#define PHYSDEVOP_irq_status_query 5	/* struct physdev_irq_status_query */
#define PHYSDEVOP_set_iopl 6		/* struct physdev_set_iopl */
#define PHYSDEVOP_set_iobitmap 7	/* struct physdev_set_iobitmap */
#define PHYSDEVOP_apic_read 8		/* struct physdev_apic */
#define PHYSDEVOP_apic_write 9		/* struct physdev_apic */
#define PHYSDEVOP_alloc_irq_vector 10	/* struct physdev_irq */
#define PHYSDEVOP_free_irq_vector 11	/* struct physdev_irq */
#define PHYSDEVOP_eoi 12		/* struct physdev_eoi */
#define PHYSDEVOP_map_pirq 13		/* struct physdev_map_pirq */
#define PHYSDEVOP_unmap_pirq 14		/* struct physdev_unmap_pirq */
#define PHYSDEVOP_manage_pci_add 15	/* struct physdev_manage_pci */
#define PHYSDEVOP_manage_pci_remove 16	/* struct physdev_manage_pci */
#define PHYSDEVOP_pirq_eoi_gmfn_v1 17	/* struct physdev_pirq_eoi_gmfn */
#define PHYSDEVOP_restore_msi 19	/* struct physdev_restore_msi */
#define PHYSDEVOP_manage_pci_add_ext 20 /* struct physdev_manage_pci_ext */
#define PHYSDEVOP_setup_gsi 21		/* struct physdev_setup_gsi */
#define PHYSDEVOP_get_free_pirq 23	/* struct physdev_get_free_pirq */
#define PHYSDEVOP_pci_mmcfg_reserved 24 /* struct physdev_pci_mmcfg_reserved */
#define PHYSDEVOP_pci_device_add 25	/* struct physdev_pci_device_add */
#define PHYSDEVOP_pci_device_remove 26	/* struct physdev_pci_device */
#define PHYSDEVOP_restore_msi_ext 27	/* struct physdev_pci_device */
#define PHYSDEVOP_pirq_eoi_gmfn_v2 28	/* struct physdev_pirq_eoi_gmfn */
#define PHYSDEVOP_dbgp_op 29		/* struct physdev_dbgp_op */
#define PHYSDEVOP_prepare_msix 30	/* struct physdev_pci_device */
#define PHYSDEVOP_release_msix 31	/* struct physdev_pci_device */
#define PHYSDEVOP_pirq_eoi_gmfn PHYSDEVOP_pirq_eoi_gmfn_v2

/* physdev_irq_status_query.flags. */
#define _XENIRQSTAT_needs_eoi 0
#define XENIRQSTAT_needs_eoi (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared 1
#define XENIRQSTAT_shared (1U << _XENIRQSTAT_shared)

/* physdev_map_pirq.type. */
#define MAP_PIRQ_TYPE_MSI 0x0
#define MAP_PIRQ_TYPE_GSI 0x1
#define MAP_PIRQ_TYPE_UNKNOWN 0x2
#define MAP_PIRQ_TYPE_MSI_SEG 0x3
#define MAP_PIRQ_TYPE_MULTI_MSI 0x4

/* physdev_pci_mmcfg_reserved.flags and physdev_pci_device_add.flags. */
#define XEN_PCI_MMCFG_RESERVED 0x1
#define XEN_PCI_DEV_EXTFN 0x1
#define XEN_PCI_DEV_VIRTFN 0x2
#define XEN_PCI_DEV_PXM 0x4

/* physdev_dbgp_op. */
#define PHYSDEVOP_DBGP_RESET_PREPARE 1
#define PHYSDEVOP_DBGP_RESET_DONE 2
#define PHYSDEVOP_DBGP_BUS_UNKNOWN 0
#define PHYSDEVOP_DBGP_BUS_PCI 1

#ifndef __ASSEMBLER__

struct physdev_eoi {
	uint32_t irq;
};

/* A frame the hypervisor keeps a bitmap of PIRQs needing EOI in. */
struct physdev_pirq_eoi_gmfn {
	xen_pfn_t gmfn;
};

struct physdev_irq_status_query {
	uint32_t irq;
	uint32_t flags; /* OUT: XENIRQSTAT_* */
};

/* The virtual IOPL of the calling vCPU (0-3): the kernel may do port I/O when it is >= 1. */
struct physdev_set_iopl {
	uint32_t iopl;
};

/* A guest-virtual I/O permission bitmap for guest user mode. */
struct physdev_set_iobitmap {
	XEN_GUEST_HANDLE(uint8) bitmap;
	uint32_t nr_ports;
	uint32_t _pad0;
};

struct physdev_apic {
	uint64_t apic_physbase;
	uint32_t reg;
	uint32_t value; /* OUT for apic_read */
};

struct physdev_irq {
	uint32_t irq;
	uint32_t vector; /* OUT for alloc_irq_vector */
};

struct physdev_map_pirq {
	domid_t domid;
	uint16_t _pad0;
	int32_t type; /* MAP_PIRQ_TYPE_* */
	int32_t index; /* GSI, or MSI-X entry */
	int32_t pirq;  /* IN/OUT */
	int32_t bus;   /* MSI: segment << 16 | bus */
	int32_t devfn;
	int32_t entry_nr;
	uint32_t _pad1;
	uint64_t table_base;
};

struct physdev_unmap_pirq {
	domid_t domid;
	uint16_t _pad0;
	int32_t pirq;
};

struct physdev_manage_pci {
	uint8_t bus;
	uint8_t devfn;
};

struct physdev_restore_msi {
	uint8_t bus;
	uint8_t devfn;
};

struct physdev_manage_pci_ext {
	uint8_t bus;
	uint8_t devfn;
	uint16_t _pad0;
	uint32_t is_extfn;
	uint32_t is_virtfn;
	struct {
		uint8_t bus;
		uint8_t devfn;
	} physfn;
	uint16_t _pad1;
};

/* The argument of the obsolete physdev_op_compat (hypercall 19): command plus union. */
struct physdev_op {
	uint32_t cmd;
	uint32_t _pad0;
	union {
		struct physdev_irq_status_query irq_status_query;
		struct physdev_set_iopl set_iopl;
		struct physdev_set_iobitmap set_iobitmap;
		struct physdev_apic apic_op;
		struct physdev_irq irq_op;
	} u;
};

struct physdev_setup_gsi {
	int32_t gsi;
	uint8_t triggering; /* 0 edge, 1 level */
	uint8_t polarity;   /* 0 active high, 1 active low */
	uint16_t _pad0;
};

struct physdev_get_free_pirq {
	int32_t type; /* MAP_PIRQ_TYPE_* */
	uint32_t pirq; /* OUT */
};

struct physdev_pci_mmcfg_reserved {
	uint64_t address;
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;
	uint32_t flags;
};

struct physdev_pci_device_add {
	uint16_t seg;
	uint8_t bus;
	uint8_t devfn;
	uint32_t flags; /* XEN_PCI_DEV_* */
	struct {
		uint8_t bus;
		uint8_t devfn;
	} physfn;
	uint16_t _pad0;
	uint32_t optarr[]; /* with XEN_PCI_DEV_PXM: the proximity domain */
};

struct physdev_pci_device {
	uint16_t seg;
	uint8_t bus;
	uint8_t devfn;
};

struct physdev_dbgp_op {
	uint8_t op;
	uint8_t bus;
	union {
		struct physdev_pci_device pci;
	} u;
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_PHYSDEV_H */
