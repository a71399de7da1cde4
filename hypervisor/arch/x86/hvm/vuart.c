/*
 * COM1 for HVM guests: a 16550 that transmits instantly and never receives. Each line the guest
 * writes becomes one Argon log line "(d<id>) text", like console_io output of PV guests.
 * Register map: NS16550A data sheet (DLAB in LCR bit 7 switches offsets 0 and 1 to the divisor).
 */
#include <argon/console.h>
#include <argon/domain.h>
#include <argon/guest_console.h>
#include <asm/hvm/vuart.h>

#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80
#define UART_MSR_DCD_DSR_CTS 0xb0

void vuart_io(struct domain *d, struct vuart *u, uint16_t port, bool in, uint32_t *val)
{
	unsigned int reg = port - VUART_BASE;
	uint8_t v = (uint8_t)*val;
	bool dlab = u->lcr & UART_LCR_DLAB;

	if (in) {
		switch (reg) {
		case 0: *val = dlab ? u->dll : 0; break;	/* RBR: nothing received */
		case 1: *val = dlab ? u->dlm : u->ier; break;
		case 2: *val = 0x01; break;			/* IIR: no interrupt pending, no FIFO */
		case 3: *val = u->lcr; break;
		case 4: *val = u->mcr; break;
		case 5: *val = UART_LSR_THRE | UART_LSR_TEMT; break;
		case 6: *val = UART_MSR_DCD_DSR_CTS; break;
		default: *val = u->scr; break;
		}
		return;
	}
	switch (reg) {
	case 0:
		if (dlab) {
			u->dll = v;
		} else {
			char c = (char)v;

			console_guest_write(d, &c, 1);
		}
		break;
	case 1:
		if (dlab) {
			u->dlm = v;
		} else {
			u->ier = v & 0x0f;
		}
		break;
	case 3: u->lcr = v; break;
	case 4: u->mcr = v & 0x1f; break;
	case 7: u->scr = v; break;
	default: break;					/* FCR, LSR, MSR: ignored */
	}
}
