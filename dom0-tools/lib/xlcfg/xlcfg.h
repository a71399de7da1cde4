/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxlcfg: the xl domain configuration language (xl.cfg(5)) for Argon.
 *
 * Three layers, each usable on its own:
 *   1. xlcfg_parse(): text -> a generic tree of settings (strings, numbers,
 *      lists), every value carrying its file:line:column position.
 *   2. xlcfg_domain_from_file(): tree -> a typed, validated domain
 *      configuration (struct xlcfg_domain, opaque).
 *   3. Conversions of the domain configuration to and from libxl's
 *      domain_config JSON (as `xl create -n` prints it) and back to xl.cfg
 *      text.
 *
 * All input is untrusted: sizes are bounded (XLCFG_MAX_*), nothing crashes on
 * any input, and every problem is reported through the context's report
 * callback as "FILE:LINE:COL: message" (errors) or
 * "FILE:LINE:COL: warning: message" (warnings). See docs/design/xl-cfg.md.
 *
 * Functions return 0 or a negative errno (-EINVAL for bad input, -ENOMEM,
 * -EFBIG for input over a size bound).
 */
#ifndef ARGON_XLCFG_H
#define ARGON_XLCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on untrusted input. */
#define XLCFG_MAX_FILE (1u << 20)   /* bytes of configuration text or JSON */
#define XLCFG_MAX_STRING (1u << 16) /* bytes in one string value */
#define XLCFG_MAX_LIST 4096u        /* items in one list */
#define XLCFG_MAX_DEPTH 8u          /* nesting of lists */
#define XLCFG_MAX_SETTINGS 4096u    /* assignments in one file */
#define XLCFG_MAX_VCPUS 512u        /* vcpus, maxvcpus; CPU numbers are below it */
#define XLCFG_MAX_MEMORY_MB (16ull << 20) /* 16 TiB in MiB */

/** Severity of a diagnostic passed to the report callback. */
enum xlcfg_severity {
	XLCFG_ERROR,
	XLCFG_WARNING,
};

/** Receives one fully formatted diagnostic line (without newline). */
typedef void xlcfg_report_fn(void *opaque, enum xlcfg_severity sev, const char *line);

/**
 * A parsing context: where diagnostics go and how many there were.
 * Initialise with xlcfg_ctx_init(); it owns no memory.
 */
struct xlcfg_ctx {
	const char *source;       /* name used in diagnostics, e.g. the file name */
	xlcfg_report_fn *report;  /* NULL: print to stderr */
	void *opaque;             /* passed to report */
	unsigned int errors;      /* errors reported so far */
	unsigned int warnings;    /* warnings reported so far */
	char first_error[512];    /* the first error line, for callers and tests */
};

/** A position in the source text; line and column count from 1 (columns in bytes). */
struct xlcfg_pos {
	uint32_t line;
	uint32_t col;
};

/** The kinds of values in the generic tree. */
enum xlcfg_vkind {
	XLCFG_STRING, /* a quoted string */
	XLCFG_NUMBER, /* a bare number, kept as its text like xl does */
	XLCFG_LIST,   /* [ value, ... ], possibly nested */
};

/**
 * One value of the generic tree. Strings and numbers keep their text in str
 * (NUL-terminated, no NUL inside); lists keep their items.
 */
struct xlcfg_value {
	enum xlcfg_vkind kind;
	struct xlcfg_pos pos;     /* of the first character (the quote, digit or '[') */
	char *str;                /* STRING, NUMBER */
	size_t len;               /* strlen(str) */
	uint32_t *cols;           /* STRING with escapes: column of each byte of str */
	struct xlcfg_value **items; /* LIST */
	size_t nitems;            /* LIST */
};

/** One "key = value" or "key += value" assignment, after += merging. */
struct xlcfg_setting {
	char *key;
	struct xlcfg_pos pos;       /* of the key */
	struct xlcfg_value *value;
	bool appended;              /* the last assignment to key used += */
	struct xlcfg_setting *next; /* in file order */
};

/** A parsed file: the settings in order; a later one for the same key wins. */
struct xlcfg_file {
	struct xlcfg_setting *head;
	struct xlcfg_setting *tail;
	size_t nsettings;
};

/** The typed domain configuration (opaque; see model.h inside the library). */
struct xlcfg_domain;

/** Initialises ctx with the source name used in diagnostics and default reporting. */
void xlcfg_ctx_init(struct xlcfg_ctx *ctx, const char *source);

/**
 * Parses len bytes of xl.cfg text into *out. Syntax errors are reported with
 * their position and make the call fail with -EINVAL; *out is then NULL.
 */
int xlcfg_parse(struct xlcfg_ctx *ctx, const char *data, size_t len, struct xlcfg_file **out);

/** Frees a parsed file (NULL is fine). */
void xlcfg_file_free(struct xlcfg_file *f);

/** Returns the setting that is in force for key (the last one), or NULL. */
const struct xlcfg_setting *xlcfg_lookup(const struct xlcfg_file *f, const char *key);

/**
 * Builds and validates the typed configuration from a parsed file. Unknown
 * keys are warnings; bad values are errors (the call then fails with -EINVAL).
 */
int xlcfg_domain_from_file(struct xlcfg_ctx *ctx, const struct xlcfg_file *f,
			   struct xlcfg_domain **out);

/** Reads the file at path (at most XLCFG_MAX_FILE bytes) into a malloc'd, NUL-terminated buffer. */
int xlcfg_read_file(struct xlcfg_ctx *ctx, const char *path, char **data, size_t *len);

/** Parses and validates xl.cfg text in one step. */
int xlcfg_domain_from_text(struct xlcfg_ctx *ctx, const char *data, size_t len,
			   struct xlcfg_domain **out);

/**
 * Renders d as libxl domain_config JSON, pretty-printed like `xl create -n`
 * (yajl beautify, 4-space indent), into a malloc'd string ending in a newline.
 */
int xlcfg_domain_to_json(const struct xlcfg_domain *d, char **out);

/** Builds a typed configuration from domain_config JSON; problems are reported through ctx. */
int xlcfg_domain_from_json(struct xlcfg_ctx *ctx, const char *json, size_t len,
			   struct xlcfg_domain **out);

/** Renders d as xl.cfg text that parses back to the same configuration. */
int xlcfg_domain_to_cfg(const struct xlcfg_domain *d, char **out);

/** Frees a typed configuration (NULL is fine). */
void xlcfg_domain_free(struct xlcfg_domain *d);

/** Returns the domain's name (never NULL for a validated configuration). */
const char *xlcfg_domain_name(const struct xlcfg_domain *d);

#endif /* ARGON_XLCFG_H */
