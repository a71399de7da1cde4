/* SPDX-License-Identifier: MIT */
/*
 * The states a split-driver end publishes in its xenstore "state" node.
 *
 * Values of Xen's public ABI (interface of Xen 4.17), restated for Argon.
 */
#ifndef ARGON_PUBLIC_IO_XENBUS_H
#define ARGON_PUBLIC_IO_XENBUS_H

enum xenbus_state {
	XenbusStateUnknown = 0,
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,    /* backend: waiting for the frontend's details */
	XenbusStateInitialised = 3, /* frontend: ring and event channel published */
	XenbusStateConnected = 4,
	XenbusStateClosing = 5,
	XenbusStateClosed = 6,
	XenbusStateReconfiguring = 7,
	XenbusStateReconfigured = 8,
};

#endif /* ARGON_PUBLIC_IO_XENBUS_H */
