/*
 * Boot-time domains described on module command lines. A module whose command line starts with
 * "argon:" carries a spec in its first word, and the rest is the guest's command line:
 *   argon:dom=1,mem=64M,vcpus=2,weight=512,cap=50,priv   a kernel: domain 1 with those settings
 *   argon:dom=2,hvm,mem=64M,vcpus=2                       an HVM domain (AMD SVM) from that module
 *   argon:initrd                                          the initrd of the kernel before it
 * Modules without a spec keep the old meaning: the first is domain 0's kernel, the next its initrd.
 */
#ifndef ARGON_BOOTDOM_H
#define ARGON_BOOTDOM_H

#include <argon/types.h>

/** Settings of one boot-time domain. */
struct boot_domain_spec {
	bool is_initrd;		/* this module is the previous kernel's initrd */
	bool has_spec;		/* the module carried an "argon:" spec */
	uint16_t domid;
	uint64_t mem;		/* bytes; 0 = the default */
	unsigned int vcpus;
	unsigned int weight;
	unsigned int cap;	/* percent of one CPU, 0 = none */
	bool privileged;
	bool hvm;		/* hardware-assisted: a Multiboot v1 ELF or a Linux bzImage */
	const char *guest_cmdline;	/* points into the module command line */
};

/**
 * Parse the module command line @cmdline into @out. Without an "argon:" prefix the spec gets the
 * defaults (domain 0 is decided by the caller). Returns 0, or -EINVAL with a sentence in *@why.
 */
int boot_domain_parse(const char *cmdline, struct boot_domain_spec *out, const char **why);

#endif
