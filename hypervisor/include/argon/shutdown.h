/* How Argon stops the machine, and the statuses it reports to a test harness. */
#ifndef ARGON_SHUTDOWN_H
#define ARGON_SHUTDOWN_H

#include <argon/compiler.h>

/*
 * Statuses reported through the test-exit path (scripts/run-qemu exits with them): 0 success,
 * 2 hypervisor panic. 1 and 3 are the harness's own (QEMU error, no status reported).
 */
#define EXIT_STATUS_SUCCESS 0
#define EXIT_STATUS_PANIC 2
/* The last domain stopped for a reason other than power-off: 16 + its SHUTDOWN_* reason. */
#define EXIT_STATUS_DOMAIN_BASE 16

/** True when the command line asked for the test-exit path ("test-exit"). */
bool test_exit_enabled(void);

/**
 * Stop the machine: report @status through the test-exit path if enabled, then halt this CPU.
 * Used when Argon has nothing more to run.
 */
__noreturn void machine_halt(unsigned int status);

#endif
