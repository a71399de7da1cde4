/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The typed domain configuration and the key table that drives it.
 *
 * One table (keys.c) lists every field of libxl's domain_config JSON that
 * Argon models, in the order of libxl_types.idl, together with the xl.cfg
 * key it comes from, its kind and its bounds. Reading a config, writing JSON,
 * reading JSON and writing a config all walk that same table, so a key added
 * there is supported in all four directions at once. Fields that need more
 * than a table entry (vcpus, memory, cpus, disks, vifs, ...) are "custom"
 * and handled in the file of their area.
 */
#ifndef ARGON_XLCFG_MODEL_H
#define ARGON_XLCFG_MODEL_H

#include "xlcfg_int.h"

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/** Guest types, as bits so a key can list the types it applies to. */
enum {
	XT_PV = 1,
	XT_PVH = 2,
	XT_HVM = 4,
	XT_ALL = 7,
};

/** The JSON objects fields live in. */
enum xk_obj {
	O_NONE,   /* no JSON field of its own (sets other fields) */
	O_TOP,    /* domain_config */
	O_CINFO,  /* c_info */
	O_BINFO,  /* b_info */
	O_SCHED,  /* b_info.sched_params */
	O_PV,     /* b_info."type.pv" */
	O_PVH,    /* b_info."type.pvh" */
	O_HVM,    /* b_info."type.hvm" */
	O_VGA,    /* type.hvm.vga */
	O_VNC,    /* type.hvm.vnc */
	O_SDL,    /* type.hvm.sdl */
	O_SPICE,  /* type.hvm.spice */
	O_RDM,    /* type.hvm.rdm */
	O_ARM,    /* b_info.arch_arm */
	O_X86,    /* b_info.arch_x86 */
};

/** How a field is read, checked and written. */
enum xk_kind {
	K_STRING,     /* string -> JSON string */
	K_DEFBOOL,    /* number, 0 = false -> "True"/"False" */
	K_INT,        /* bounded integer -> JSON integer */
	K_MEMKB,      /* MiB in the config -> KiB in JSON */
	K_ENUM,       /* one of a set of names -> JSON enum name */
	K_ACTION,     /* on_* action: always has a value */
	K_STRLIST,    /* list of strings -> JSON array */
	K_STR_OR_LIST,/* a string (this field) or a list (the K_LISTPART field naming it) */
	K_LISTPART,   /* JSON array holding the list form of another key */
	K_SUB,        /* nested JSON object (always printed, as libxl does) */
	K_TYPEUNION,  /* "type.pv"/"type.pvh"/"type.hvm" object for the guest type */
	K_CONST_TRUE, /* "True" that xl sets from xl.conf defaults */
	K_CUSTOM,     /* handled by code (custom id) */
	K_IGNORED,    /* a documented key Argon does not support yet: warned and ignored */
};

/** Custom handlers. */
enum xk_custom {
	C_NONE,
	C_TYPE,
	C_MAX_VCPUS,
	C_AVAIL_VCPUS,
	C_HARD_AFFINITY,
	C_SOFT_AFFINITY,
	C_NUMA_PLACEMENT,
	C_MAX_MEMKB,
	C_TARGET_MEMKB,
	C_CMDLINE,
	C_FIRMWARE,
	C_VIRIDIAN,
	C_VIRIDIAN_ENABLE,
	C_VIRIDIAN_DISABLE,
	C_VGA,
	C_GFX_PASSTHRU,
	C_GFX_KIND,
	C_DISKS,
	C_NICS,
	C_COMPAT, /* a key that only feeds another one (root, extra, builder, ...) */
};

/** One name of an enumeration: how the config spells it, how JSON does, and a legacy number. */
struct xk_enum_val {
	const char *cfg;
	const char *json;
	int num; /* value accepted as a bare number (legacy), -1 if none */
};

/** An enumeration: its names, the JSON name libxl omits (its init value), and its config default. */
struct xk_enum {
	const struct xk_enum_val *vals;
	size_t n;
	const char *json_omit; /* not printed in JSON, and assumed when absent (NULL: none) */
	const char *cfg_default; /* K_ACTION: value when the key is absent */
};

/** One row of the key table. */
struct xk_desc {
	const char *key;          /* xl.cfg key, NULL if none */
	enum xk_obj obj;          /* JSON object of the field */
	const char *json;         /* JSON field name */
	enum xk_kind kind;
	uint8_t types;            /* guest types the key applies to */
	long long min, max;       /* K_INT, K_MEMKB bounds in config units */
	const struct xk_enum *en; /* K_ENUM, K_ACTION */
	enum xk_obj sub;          /* K_SUB */
	enum xk_custom custom;    /* K_CUSTOM */
	const char *partner;      /* K_LISTPART: the K_STR_OR_LIST key */
	const char *check;        /* K_STRING validation: "uuid", "boot" */
	const char *note;         /* K_IGNORED: why */
	bool keep0;               /* K_INT: libxl's default is not 0, so 0 is printed too */
};

/** The table and its size (keys.c). */
extern const struct xk_desc xk_table[];
extern const size_t xk_table_len;

/** Returns the index of the row for config key, or -1. */
int xk_find_key(const char *key);

/** Returns the index of the row with custom id c, or -1. */
int xk_find_custom(enum xk_custom c);

/** The value of one table row in a domain. */
struct xk_slot {
	bool set;
	long long i;      /* INT, MEMKB (in KiB), DEFBOOL (0/1), ENUM/ACTION (index into en->vals) */
	char *s;          /* STRING, STR_OR_LIST (string form) */
	char **list;      /* STRLIST, STR_OR_LIST (list form) */
	size_t n;
	struct xlcfg_pos pos; /* where the config set it */
};

/** A CPU set (affinity of one vCPU), at most XLCFG_MAX_VCPUS CPUs. */
struct xk_cpuset {
	uint64_t bits[XLCFG_MAX_VCPUS / 64];
};

/** A disk: libxl_device_disk's modelled fields. */
struct xlcfg_disk {
	char *pdev_path, *vdev, *backend_domname, *script;
	char *colo_host, *colo_export, *active_disk, *hidden_disk;
	int backend;        /* index into disk_backend names, 0 = unknown */
	int format;         /* index into disk_format names, 0 = unknown */
	int specification;  /* 0 unknown, 1 xen, 2 virtio */
	int removable, readwrite, is_cdrom;
	bool direct_io_safe;
	int discard_enable; /* -1 default, 0, 1 */
	int colo_enable;    /* -1 default, 0, 1 */
	int colo_port;
	int trusted;        /* -1 default, 0, 1 */
};

/** Number of string fields of a nic that map 1:1 to vif parameters (vif.c). */
#define XLCFG_NIC_NSTR 56

/** A network interface: libxl_device_nic's modelled fields. */
struct xlcfg_nic {
	int devid;
	int mtu;
	uint8_t mac[6];
	bool mac_set;
	int nictype;        /* 0 unknown, 1 vif_ioemu, 2 vif */
	uint64_t rate_bytes_per_interval;
	uint32_t rate_interval_usecs;
	int trusted;        /* -1 default, 0, 1 */
	char *str[XLCFG_NIC_NSTR]; /* see nic_strings in vif.c */
};

/** The typed domain configuration. */
struct xlcfg_domain {
	int type;                 /* XT_PV, XT_PVH or XT_HVM */
	struct xk_slot *slots;    /* one per table row */
	long long max_vcpus;      /* 0: unset */
	long long avail_vcpus;    /* vCPUs 0..n-1 online; 0: unset */
	struct xk_cpuset *hard;   /* per-vCPU hard affinity */
	size_t nhard;
	struct xk_cpuset *soft;
	size_t nsoft;
	int numa_placement;       /* -1 default, 0, 1 */
	long long max_memkb;      /* -1: unset */
	long long target_memkb;   /* -1: unset */
	char *cmdline;
	int viridian;             /* -1 default, 0, 1 */
	uint64_t viridian_enable, viridian_disable;
	bool viridian_enable_set, viridian_disable_set;
	int vga_kind;             /* index into vga names, 0 = unset */
	int gfx_passthru;         /* -1 default, 0, 1 */
	int gfx_kind;             /* 0 default, 1 igd */
	struct xlcfg_disk *disks;
	size_t ndisks;
	struct xlcfg_nic *nics;
	size_t nnics;
};

/** Allocates an empty domain with everything unset. */
struct xlcfg_domain *xk_domain_new(void);

/** Returns the slot of the row for config key (which must exist in the table). */
struct xk_slot *xk_slot(const struct xlcfg_domain *d, const char *key);

/* ---- disks (disk.c) and vifs (vif.c) ---- */

/** Parses one disk specification string (value v) into disk; errors point into the string. */
int xlcfg_disk_parse(struct xlcfg_ctx *ctx, const struct xlcfg_value *v, struct xlcfg_disk *disk);

/** Writes disk as a canonical specification string that parses back to it. */
void xlcfg_disk_to_spec(const struct xlcfg_disk *disk, struct xlcfg_buf *b);

/** Frees the strings of a disk. */
void xlcfg_disk_fini(struct xlcfg_disk *disk);

/** Disk enumerations, JSON names indexed like the fields (index 0 = unknown). */
extern const char *const xlcfg_disk_formats[7];
extern const char *const xlcfg_disk_backends[5];

/** Parses one vif specification string (value v) into nic with default devid. */
int xlcfg_vif_parse(struct xlcfg_ctx *ctx, const struct xlcfg_value *v, int devid,
		    struct xlcfg_nic *nic);

/** Writes nic as a vif specification string; devid is written only if it differs from index. */
int xlcfg_vif_to_spec(const struct xlcfg_nic *nic, int index, struct xlcfg_buf *b);

/** Frees the strings of a nic. */
void xlcfg_nic_fini(struct xlcfg_nic *nic);

/** Initialises a nic as xl does (devid, everything else default). */
void xlcfg_nic_init(struct xlcfg_nic *nic, int devid);

/** The nic string fields: vif parameter name and JSON name, in JSON order. */
struct xlcfg_nic_str {
	const char *param;
	const char *json;
};
extern const struct xlcfg_nic_str xlcfg_nic_strings[XLCFG_NIC_NSTR];

/** Names of the nictype enumeration (index 0 = unknown). */
extern const char *const xlcfg_nic_types[3];

/* ---- CPU sets (cpuset.c) ---- */

/** Parses "0-3,^2" style CPU lists at value v (offset in string) into set. */
int xk_cpuset_parse(struct xlcfg_ctx *ctx, const struct xlcfg_value *v, struct xk_cpuset *set);

/** Writes set as a compact CPU list ("0-3,5"). */
void xk_cpuset_format(const struct xk_cpuset *set, struct xlcfg_buf *b);

/** Sets or tests one CPU. */
static inline void xk_cpuset_set(struct xk_cpuset *s, unsigned int cpu)
{
	s->bits[cpu / 64] |= 1ull << (cpu % 64);
}

static inline bool xk_cpuset_test(const struct xk_cpuset *s, unsigned int cpu)
{
	return s->bits[cpu / 64] >> (cpu % 64) & 1;
}

/* ---- JSON helpers (json_in.c) ---- */

/** Names of viridian enlightenments by bit number. */
extern const char *const xk_viridian_names[13];

/** Names of VGA kinds by index (0 = unknown) in config and JSON spelling. */
extern const char *const xk_vga_cfg[5];
extern const char *const xk_vga_json[5];

#endif /* ARGON_XLCFG_MODEL_H */
