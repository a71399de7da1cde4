/* Hypervisor command-line options, declared next to the code that uses them. */
#ifndef ARGON_CMDLINE_H
#define ARGON_CMDLINE_H

#include <argon/compiler.h>
#include <argon/types.h>

enum param_type {
	PARAM_BOOL,	/* "name", "no-name", "name=<yes|no|on|off|true|false|1|0|enable|disable>" */
	PARAM_UINT,	/* "name=<number>" (decimal, 0x hex, 0 octal) into a uint64_t */
	PARAM_SIZE,	/* "name=<number>[KMGT]" in bytes into a uint64_t; no suffix means bytes */
	PARAM_STRING,	/* "name=<text>" copied into a char array of @len bytes */
	PARAM_CUSTOM,	/* "name[=value]": @parse gets the value (NULL when absent) */
};

/** One option the hypervisor accepts. */
struct param {
	const char *name;
	enum param_type type;
	void *var;
	size_t len;
	int (*parse)(const char *value);
};

/** Called for each problem found: the offending option text and a sentence saying what is wrong. */
typedef void (*cmdline_report_fn)(const char *option, const char *problem);

/** Longest single option (name=value) the parser accepts. */
#define CMDLINE_MAX_OPTION 256

/**
 * Apply every option in @cmdline to the table [@start, @end). Options are separated by spaces;
 * unknown names, malformed values and overlong options are reported through @report and skipped.
 * Returns the number of problems reported.
 */
int cmdline_parse(const char *cmdline, const struct param *start, const struct param *end,
		  cmdline_report_fn report);

#define __PARAM(_name, _type, _var, _len, _parse)                                               \
	static const struct param __param_##_var __section(".param") __used __aligned(8) = { \
		.name = _name, .type = _type, .var = &_var, .len = _len, .parse = _parse }
#define boolean_param(name, var) __PARAM(name, PARAM_BOOL, var, sizeof(var), NULL)
#define integer_param(name, var) __PARAM(name, PARAM_UINT, var, sizeof(var), NULL)
#define size_param(name, var) __PARAM(name, PARAM_SIZE, var, sizeof(var), NULL)
#define string_param(name, var) __PARAM(name, PARAM_STRING, var, sizeof(var), NULL)
#define custom_param(_name, fn)                                                               \
	static const struct param __param_##fn __section(".param") __used __aligned(8) = { \
		.name = _name, .type = PARAM_CUSTOM, .var = NULL, .len = 0, .parse = fn }

/* The table the linker collects from every boolean_param()/... in the image. */
extern const struct param __param_start[], __param_end[];

/** The hypervisor's own command line as the boot loader gave it. */
extern char argon_cmdline[1024];

#endif
