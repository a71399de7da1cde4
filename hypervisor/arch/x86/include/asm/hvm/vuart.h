/* The 16550 UART HVM guests see at COM1 (0x3f8), wired to Argon's console as "(d<id>) ...". */
#ifndef ASM_HVM_VUART_H
#define ASM_HVM_VUART_H

#include <argon/types.h>

#define VUART_BASE 0x3f8
#define VUART_PORTS 8

/** The registers of one emulated 16550 (transmit-only: nothing is ever received). */
struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
};

struct domain;

/** Emulate an access of @size bytes to port @port (in the UART's range); *@val in/out. */
void vuart_io(struct domain *d, struct vuart *u, uint16_t port, bool in, uint32_t *val);

#endif
