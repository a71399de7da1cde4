/*
 * PCI configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2): CONFIG_ADDRESS at
 * 0xcf8 (32-bit accesses only; bit 31 enables, bus 23:16, device 15:11, function 10:8, register
 * 7:2) and CONFIG_DATA at 0xcfc-0xcff in any width. Bus 0 holds one device, a host bridge at
 * 00:00.0 with the IDs of Intel's 440FX (what Xen's and QEMU's guests see); its configuration
 * space is read-only. Every other function reads all ones (no device answers) and drops writes.
 * Portable: no state besides CONFIG_ADDRESS.
 */
#include <argon/lib.h>
#include <asm/hvm/vplatform.h>

#define CONFIG_ENABLE 0x80000000u

/* The 440FX host bridge's configuration header (type 0), dword by dword. */
static uint32_t host_bridge_dword(unsigned int reg)
{
	switch (reg) {
	case 0x00: return VPCI_HOST_VENDOR | (VPCI_HOST_DEVICE << 16);
	case 0x04: return 0x0006 | (0x0280u << 16);	/* memory + bus master; status: fast b2b, medium DEVSEL */
	case 0x08: return 0x06000002;			/* class 06 (bridge) 00 (host), revision 2 */
	case 0x0c: return 0x00000000;			/* header type 0, single function */
	default: return 0;
	}
}

void vpci_io(struct vpci *p, uint16_t port, unsigned int size, bool in, uint32_t *val)
{
	unsigned int bus = (p->addr >> 16) & 0xff, devfn = (p->addr >> 8) & 0xff;
	unsigned int shift = (port & 3) * 8;
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	if (port < 0xcfc) {
		/* Only a dword access at 0xcf8 is CONFIG_ADDRESS; narrower ones reach nothing. */
		if (port != 0xcf8 || size != 4) {
			if (in) {
				*val = mask;
			}
			return;
		}
		if (in) {
			*val = p->addr;
		} else {
			p->addr = *val & 0x80fffffcu;
		}
		return;
	}
	if (!in) {
		return;				/* the host bridge is read-only; nothing else exists */
	}
	if (!(p->addr & CONFIG_ENABLE) || bus != 0 || devfn != 0 || (port & 3) + size > 4) {
		*val = mask;
		return;
	}
	*val = (host_bridge_dword(p->addr & 0xfc) >> shift) & mask;
}
