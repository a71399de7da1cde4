/*
 * The 16550 UART on COM1: Argon's console, polled in both directions so it works from any context
 * (input is polled from a timer; see docs/design/console.md).
 */
#include <argon/arch.h>
#include <argon/cmdline.h>
#include <asm/io.h>

#define COM1 0x3f8
#define UART_THR 0	/* transmit holding */
#define UART_RBR 0	/* receive buffer */
#define UART_DLL 0	/* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1	/* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR 0x01	/* data ready */
#define LSR_THRE 0x20
#define LSR_NO_UART 0xff	/* what an absent device reads as */
#define UART_CLOCK 115200

/* "com1=<baud>": the line speed (the rest of Xen's com1= syntax is fixed at 8n1). */
static uint64_t opt_com1_baud = 115200;
integer_param("com1", opt_com1_baud);

void serial_init(void);

void serial_init(void)
{
	uint64_t baud = opt_com1_baud;
	uint16_t div;

	if (baud == 0 || baud > UART_CLOCK) {
		baud = 115200;
	}
	div = (uint16_t)(UART_CLOCK / baud);
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);
	outb(COM1 + UART_DLL, div & 0xff);
	outb(COM1 + UART_DLM, div >> 8);
	outb(COM1 + UART_LCR, 0x03);	/* 8 data bits, no parity, 1 stop bit */
	outb(COM1 + UART_FCR, 0x07);	/* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

static void serial_putc(char c)
{
	unsigned int spins = 0;

	/* Bounded wait: a missing UART must not hang the hypervisor. */
	while (!(inb(COM1 + UART_LSR) & LSR_THRE) && ++spins < 100000) {
	}
	outb(COM1 + UART_THR, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
	while (n--) {
		if (*s == '\n') {
			serial_putc('\r');
		}
		serial_putc(*s++);
	}
}

int arch_console_getc(void)
{
	uint8_t lsr = inb(COM1 + UART_LSR);

	if (lsr == LSR_NO_UART || !(lsr & LSR_DR)) {
		return -1;
	}
	return inb(COM1 + UART_RBR);
}
