// SPDX-License-Identifier: MIT
/* Lookups over the xenstore wire protocol's tables: error names and message type names. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "argon/xs_wire.h"

struct err_name {
	int errnum;
	const char *name;
};

/* The protocol's error set, in the order Xen's header lists it. */
static const struct err_name err_names[] = {
    {EINVAL, "EINVAL"},	      {EACCES, "EACCES"},   {EEXIST, "EEXIST"}, {EISDIR, "EISDIR"},
    {ENOENT, "ENOENT"},	      {ENOMEM, "ENOMEM"},   {ENOSPC, "ENOSPC"}, {EIO, "EIO"},
    {ENOTEMPTY, "ENOTEMPTY"}, {ENOSYS, "ENOSYS"},   {EROFS, "EROFS"},	{EBUSY, "EBUSY"},
    {EAGAIN, "EAGAIN"},	      {EISCONN, "EISCONN"}, {E2BIG, "E2BIG"},	{EPERM, "EPERM"},
};

static const char *const type_names[XS_TYPE_COUNT] = {
    [XS_CONTROL] = "CONTROL",
    [XS_DIRECTORY] = "DIRECTORY",
    [XS_READ] = "READ",
    [XS_GET_PERMS] = "GET_PERMS",
    [XS_WATCH] = "WATCH",
    [XS_UNWATCH] = "UNWATCH",
    [XS_TRANSACTION_START] = "TRANSACTION_START",
    [XS_TRANSACTION_END] = "TRANSACTION_END",
    [XS_INTRODUCE] = "INTRODUCE",
    [XS_RELEASE] = "RELEASE",
    [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
    [XS_WRITE] = "WRITE",
    [XS_MKDIR] = "MKDIR",
    [XS_RM] = "RM",
    [XS_SET_PERMS] = "SET_PERMS",
    [XS_WATCH_EVENT] = "WATCH_EVENT",
    [XS_ERROR] = "ERROR",
    [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
    [XS_RESUME] = "RESUME",
    [XS_SET_TARGET] = "SET_TARGET",
    [XS_RESET_WATCHES] = "RESET_WATCHES",
    [XS_DIRECTORY_PART] = "DIRECTORY_PART",
};

const char *xs_errno_name(int errnum)
{
	size_t i;

	for (i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++) {
		if (err_names[i].errnum == errnum) {
			return err_names[i].name;
		}
	}
	return "EINVAL";
}

int xs_errno_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++) {
		if (strcmp(err_names[i].name, name) == 0) {
			return err_names[i].errnum;
		}
	}
	return EINVAL;
}

int xs_errno_known(int errnum)
{
	size_t i;

	for (i = 0; i < sizeof(err_names) / sizeof(err_names[0]); i++) {
		if (err_names[i].errnum == errnum) {
			return 1;
		}
	}
	return 0;
}

const char *xs_type_name(uint32_t type)
{
	if (type >= XS_TYPE_COUNT) {
		return NULL;
	}
	return type_names[type];
}
