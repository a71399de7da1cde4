/*
 * Formatted output for the hypervisor: no allocation, no floating point, bounded writes.
 * The same file is compiled into host unit tests, so it depends on nothing but lib.h.
 */
#include <argon/errno.h>
#include <argon/lib.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters the full output would have */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0) {
		put(o, c);
	}
}

/* Widths and precisions are clamped here: no int overflow, and padding takes bounded time. */
#define MAX_FIELD 65535

enum {
	F_LEFT = 1,
	F_ZERO = 2,
	F_PLUS = 4,
	F_SPACE = 8,
	F_ALT = 16,
	F_UPPER = 32,
	F_SIGNED = 64,
};

static void put_number(struct out *o, uint64_t v, bool neg, unsigned base, int flags, int width,
		       int prec)
{
	const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	char sign = 0;
	const char *prefix = "";
	int zeros;

	if (neg) {
		sign = '-';
	} else if (flags & F_SIGNED) {
		sign = (flags & F_PLUS) ? '+' : (flags & F_SPACE) ? ' ' : 0;
	}
	if ((flags & F_ALT) && v != 0 && base == 16) {
		prefix = (flags & F_UPPER) ? "0X" : "0x";
	}
	/* C says a zero value with zero precision prints no digits. */
	if (!(v == 0 && prec == 0)) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	zeros = prec > n ? prec - n : 0;
	if (prec < 0 && (flags & F_ZERO) && !(flags & F_LEFT)) {
		int used = n + (sign != 0) + (int)strlen(prefix);

		zeros = width > used ? width - used : 0;
	}
	/* C says '#' with %o raises the precision just enough for the first digit to be a 0. */
	if ((flags & F_ALT) && base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0')) {
		zeros = 1;
	}
	width -= n + zeros + (sign != 0) + (int)strlen(prefix);
	if (!(flags & F_LEFT)) {
		pad(o, ' ', width);
	}
	if (sign) {
		put(o, sign);
	}
	while (*prefix) {
		put(o, *prefix++);
	}
	pad(o, '0', zeros);
	while (n) {
		put(o, tmp[--n]);
	}
	if (flags & F_LEFT) {
		pad(o, ' ', width);
	}
}

static void put_string(struct out *o, const char *s, int flags, int width, int prec)
{
	size_t n;

	if (!s) {
		s = "(null)";
	}
	n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
	width -= (int)n;
	if (!(flags & F_LEFT)) {
		pad(o, ' ', width);
	}
	while (n--) {
		put(o, *s++);
	}
	if (flags & F_LEFT) {
		pad(o, ' ', width);
	}
}

/* A width or precision in decimal digits, clamped to MAX_FIELD. */
static int field(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		v = v * 10 + (**fmt - '0');
		v = MIN(v, MAX_FIELD);
		(*fmt)++;
	}
	return v;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	while (*fmt) {
		int flags = 0, width = 0, prec = -1, lng = 0;
		unsigned base = 10;
		uint64_t v;
		bool neg = false;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-') {
				flags |= F_LEFT;
			} else if (*fmt == '0') {
				flags |= F_ZERO;
			} else if (*fmt == '+') {
				flags |= F_PLUS;
			} else if (*fmt == ' ') {
				flags |= F_SPACE;
			} else if (*fmt == '#') {
				flags |= F_ALT;
			} else {
				break;
			}
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = width < -MAX_FIELD ? MAX_FIELD : -width;
			}
			width = MIN(width, MAX_FIELD);
			fmt++;
		} else {
			width = field(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				if (prec < 0) {
					prec = -1;
				}
				prec = MIN(prec, MAX_FIELD);
				fmt++;
			} else {
				prec = field(&fmt);
			}
		}
		/* lng: -2 hh, -1 h, 0 int, 1 long, 2 long long (size_t, ptrdiff_t, intmax_t are 64-bit). */
		for (;; fmt++) {
			if (*fmt == 'l') {
				lng++;
			} else if (*fmt == 'h') {
				lng--;
			} else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
				lng = 2;
			} else {
				break;
			}
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t s;

			if (lng >= 1) {
				s = va_arg(ap, long long);
			} else {
				s = va_arg(ap, int);
				s = lng == -2 ? (signed char)s : lng == -1 ? (short)s : s;
			}
			neg = s < 0;
			v = neg ? 0 - (uint64_t)s : (uint64_t)s;
			put_number(&o, v, neg, 10, flags | F_SIGNED, width, prec);
			break;
		}
		case 'X':
			flags |= F_UPPER;
			/* fall through */
		case 'x':
			base = 16;
			goto unsigned_conv;
		case 'o':
			base = 8;
			goto unsigned_conv;
		case 'u':
		unsigned_conv:
			if (lng >= 1) {
				v = va_arg(ap, unsigned long long);
			} else {
				v = va_arg(ap, unsigned int);
				v = lng == -2 ? (unsigned char)v : lng == -1 ? (unsigned short)v : v;
			}
			put_number(&o, v, false, base, flags, width, prec);
			break;
		case 'p':
			v = (uint64_t)(uintptr_t)va_arg(ap, void *);
			put_number(&o, v, false, 16, flags | F_ALT, width, prec);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!(flags & F_LEFT)) {
				pad(&o, ' ', width - 1);
			}
			put(&o, c);
			if (flags & F_LEFT) {
				pad(&o, ' ', width - 1);
			}
			break;
		}
		case 's':
			put_string(&o, va_arg(ap, const char *), flags, width, prec);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print nothing more. */
			goto done;
		default:
			/* Unknown conversion: show it verbatim so the mistake is visible. */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
		fmt++;
	}
done:
	if (size) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
